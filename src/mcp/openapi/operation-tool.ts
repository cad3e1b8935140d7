import type { OpenAPIV3 } from 'openapi-types';
import { objectAt } from './document-refs';
import type { JsonSchema } from './json-schema';
import { operationParameters } from './operation-parameters';
import { operationScopes } from './operation-security';
import { OperationError } from './operation.error';
import { parsePathTemplate, type PathTemplate } from './path-template';
import type { SchemaBudget } from './schema-budget';
import type { ConvertedSchema, SchemaDefs } from './schema-defs';

export const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type Method = (typeof METHODS)[number];

export interface ParameterPlace {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
}

/** One OpenAPI operation as an MCP tool: what to list, and how to call it. */
export interface OperationTool {
  readonly name: string;
  readonly operationId: string;
  readonly description: string;
  readonly method: Method;
  readonly path: string;
  readonly template: PathTemplate;
  readonly parameters: readonly ParameterPlace[];
  /** Whether the input has a `body` property sent as the JSON request body. */
  readonly hasBody: boolean;
  readonly inputSchema: JsonSchema;
  /** Present when the 2xx response is JSON with a schema. */
  readonly output:
    { readonly schema: JsonSchema; readonly wrapKey: string | undefined } | undefined;
  /** The scopes the operation's OAuth2/OpenID Connect security requirement names. */
  readonly scopes: readonly string[];
  readonly annotations: Record<string, boolean | string>;
}

/** The input property that carries the JSON request body. */
export const BODY = 'body';
/** An operation may name the property that wraps a non-object response (default `result`). */
const RESULT_NAME = 'x-mcp-result-name';
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;
/** Tool names as the MCP tools spec recommends them, and as APIS_FILE lists operationIds. */
const OPERATION_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const WRAP_KEY = /^[A-Za-z0-9_]{1,64}$/;
const MAX_DESCRIPTION = 4000;

/**
 * Builds the tool of one operation, or throws an OperationError saying why it cannot be one.
 * Only operations that an OAuth token can authorize are offered: the MCP server calls APIs
 * with exchanged tokens and nothing else. Schemas keep their `$ref`s as `$defs` (./schema-defs.ts).
 */
export function operationTool(
  document: OpenAPIV3.Document,
  defs: SchemaDefs,
  budget: SchemaBudget,
  path: string,
  item: Record<string, unknown>,
  method: Method,
  prefix: string | undefined,
): OperationTool {
  const operation = objectAt(document, item[method]) ?? {};
  const operationId = operation.operationId;
  if (typeof operationId !== 'string' || !OPERATION_ID.test(operationId)) {
    throw new OperationError('bad_operation_id', 'its operationId is not a tool name');
  }
  const scopes = operationScopes(document, operation.security ?? document.security);
  const template = parsePathTemplate(path);
  const parameters = operationParameters(document, item.parameters, operation.parameters, template);
  const inputs = new Map(parameters.map((p) => [p.name, defs.convert(p.schema, budget)]));
  const body = jsonBody(document, defs, budget, operation.requestBody);
  if (body) {
    if (inputs.has(BODY))
      throw new OperationError('bad_parameter', `a parameter is named "${BODY}"`);
    inputs.set(BODY, body.schema);
  }
  const required = [
    ...parameters.filter((p) => p.required).map((p) => p.name),
    ...(body?.required ? [BODY] : []),
  ];
  const inputSchema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries([...inputs].map(([name, input]) => [name, input.schema])),
    ...(required.length ? { required } : {}),
    ...defsOf(defs, budget, [...inputs.values()]),
  };
  const summary = typeof operation.summary === 'string' ? operation.summary.slice(0, 200) : '';
  return {
    name: prefix ? `${prefix}-${operationId}` : operationId,
    operationId,
    description: describe(summary, operation.description, method, path),
    method,
    path,
    template,
    parameters: parameters.map((p) => ({ name: p.name, in: p.in })),
    hasBody: body !== undefined,
    inputSchema,
    output: outputOf(document, defs, budget, operation),
    scopes,
    annotations: {
      ...(summary ? { title: summary } : {}),
      readOnlyHint: method === 'get' || method === 'head',
      destructiveHint: method === 'delete',
      idempotentHint: method !== 'post' && method !== 'patch',
      openWorldHint: true,
    },
  };
}

function jsonBody(
  document: unknown,
  defs: SchemaDefs,
  budget: SchemaBudget,
  requestBody: unknown,
): { schema: ConvertedSchema; required: boolean } | undefined {
  const body = requestBody === undefined ? undefined : objectAt(document, requestBody);
  const schema = jsonSchemaOf(body?.content);
  if (!body || schema === undefined) return undefined;
  const description = typeof body.description === 'string' ? body.description : undefined;
  const withDescription =
    description && typeof schema === 'object' && schema !== null && !Array.isArray(schema)
      ? { ...schema, description }
      : schema;
  return { schema: defs.convert(withDescription, budget), required: body.required === true };
}

/** MCP tools spec: `outputSchema` describes an object, so other JSON values are wrapped. */
function outputOf(
  document: unknown,
  defs: SchemaDefs,
  budget: SchemaBudget,
  operation: Record<string, unknown>,
): OperationTool['output'] {
  const responses = objectAt(document, operation.responses) ?? {};
  const status = Object.keys(responses).find((s) => /^2(\d\d|XX)$/.test(s));
  const response = status === undefined ? undefined : objectAt(document, responses[status]);
  const schema = jsonSchemaOf(response?.content);
  if (schema === undefined) return undefined;
  const converted = defs.convert(schema, budget);
  if (defs.isObject(converted)) {
    return {
      schema: { ...converted.schema, type: 'object', ...defsOf(defs, budget, [converted]) },
      wrapKey: undefined,
    };
  }
  const named = operation[RESULT_NAME];
  const wrapKey = typeof named === 'string' && WRAP_KEY.test(named) ? named : 'result';
  return {
    schema: {
      type: 'object',
      properties: { [wrapKey]: converted.schema },
      required: [wrapKey],
      ...defsOf(defs, budget, [converted]),
    },
    wrapKey,
  };
}

/** The schema of the first JSON media type of a Content map. */
function jsonSchemaOf(content: unknown): unknown {
  if (typeof content !== 'object' || content === null) return undefined;
  const media = Object.entries(content).find(([type]) => JSON_TYPE.test(type))?.[1] as unknown;
  if (typeof media !== 'object' || media === null) return undefined;
  return (media as Record<string, unknown>).schema;
}

function defsOf(
  defs: SchemaDefs,
  budget: SchemaBudget,
  schemas: readonly ConvertedSchema[],
): { $defs?: JsonSchema } {
  const $defs = defs.defsFor(schemas, budget);
  return Object.keys($defs).length ? { $defs } : {};
}

function describe(summary: string, description: unknown, method: Method, path: string): string {
  const parts = [summary, typeof description === 'string' ? description : ''].filter((s) =>
    s.trim(),
  );
  const text = [...new Set(parts)].join('\n\n').slice(0, MAX_DESCRIPTION);
  return text || `${method.toUpperCase()} ${path}`;
}
