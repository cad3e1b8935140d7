import type { OpenAPIV3 } from 'openapi-types';
import { JsonSchema, toJsonSchema } from './json-schema';

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

/** Why an operation is not offered; logged, never fatal. */
export type Skipped = { readonly operation: string; readonly reason: string };

/**
 * Builds the tool of one operation, or says why it cannot be one. Only operations that an OAuth
 * token can authorize are offered: the MCP server calls APIs with exchanged tokens and nothing else.
 */
export function operationTool(
  document: OpenAPIV3.Document,
  path: string,
  method: Method,
  prefix: string | undefined,
): OperationTool | Skipped {
  const item = document.paths[path]!;
  const operation = item[method]!;
  const operationId = operation.operationId!;
  const scopes = oauthScopes(document, operation.security ?? document.security ?? []);
  if (!scopes) {
    return { operation: operationId, reason: 'no OAuth2/OpenID Connect security requirement' };
  }
  const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
    .map((p) => p as OpenAPIV3.ParameterObject)
    .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header');
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of parameters) {
    properties[p.name] = {
      ...toJsonSchema(p.schema),
      ...(p.description ? { description: p.description } : {}),
    };
    if (p.required || p.in === 'path') required.push(p.name);
  }
  const body = jsonBody(operation.requestBody as OpenAPIV3.RequestBodyObject | undefined);
  if (body) {
    properties[BODY] = body.schema;
    if (body.required) required.push(BODY);
  }
  return {
    name: prefix ? `${prefix}-${operationId}` : operationId,
    operationId,
    description: describe(operation, method, path),
    method,
    path,
    parameters: parameters.map((p) => ({ name: p.name, in: p.in as ParameterPlace['in'] })),
    hasBody: body !== undefined,
    inputSchema: { type: 'object', properties, ...(required.length ? { required } : {}) },
    output: outputOf(operation),
    scopes,
    annotations: {
      ...(operation.summary ? { title: operation.summary } : {}),
      readOnlyHint: method === 'get' || method === 'head',
      destructiveHint: method === 'delete',
      idempotentHint: method !== 'post' && method !== 'patch',
      openWorldHint: true,
    },
  };
}

/**
 * OpenAPI 3 §4.8.30: the operation may be called when any one requirement object is met, and
 * a requirement needs all of its schemes. The first requirement made only of OAuth2 and OpenID
 * Connect schemes is the one a token can meet; its scopes are the tool's.
 */
function oauthScopes(
  document: OpenAPIV3.Document,
  requirements: readonly OpenAPIV3.SecurityRequirementObject[],
): string[] | undefined {
  const schemes = document.components?.securitySchemes ?? {};
  const isOAuth = (name: string) => {
    const scheme = schemes[name] as OpenAPIV3.SecuritySchemeObject | undefined;
    return scheme?.type === 'oauth2' || scheme?.type === 'openIdConnect';
  };
  const usable = requirements.find((r) => {
    const names = Object.keys(r);
    return names.length > 0 && names.every(isOAuth);
  });
  return usable ? [...new Set(Object.values(usable).flat())] : undefined;
}

function jsonBody(
  body: OpenAPIV3.RequestBodyObject | undefined,
): { schema: JsonSchema; required: boolean } | undefined {
  const media = Object.entries(body?.content ?? {}).find(([type]) => JSON_TYPE.test(type));
  if (!body || !media) return undefined;
  const schema = toJsonSchema(media[1].schema);
  return {
    schema: body.description ? { ...schema, description: body.description } : schema,
    required: body.required === true,
  };
}

/** MCP tools spec: `outputSchema` describes an object, so other JSON values are wrapped. */
function outputOf(operation: OpenAPIV3.OperationObject): OperationTool['output'] {
  const success = Object.entries(operation.responses ?? {})
    .filter(([status]) => /^2(\d\d|XX)$/.test(status))
    .map(([, response]) => response as OpenAPIV3.ResponseObject)[0];
  const media = Object.entries(success?.content ?? {}).find(([type]) => JSON_TYPE.test(type));
  if (!media?.[1].schema) return undefined;
  const schema = toJsonSchema(media[1].schema);
  if (schema.type === 'object') return { schema, wrapKey: undefined };
  const named = (operation as unknown as Record<string, unknown>)[RESULT_NAME];
  const wrapKey = typeof named === 'string' && named ? named : 'result';
  return {
    schema: { type: 'object', properties: { [wrapKey]: schema }, required: [wrapKey] },
    wrapKey,
  };
}

function describe(operation: OpenAPIV3.OperationObject, method: Method, path: string): string {
  const parts = [operation.summary, operation.description].filter((s): s is string => !!s?.trim());
  const text = [...new Set(parts)].join('\n\n');
  return text || `${method.toUpperCase()} ${path}`;
}
