import { copyJsonValue } from './json-value';
import type { SchemaBudget } from './schema-budget';

/** A JSON Schema object as MCP tool schemas carry it (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

/** Where a converted schema's `$ref`s go: into the `$defs` of its tool. */
export interface SchemaScope {
  readonly budget: SchemaBudget;
  /** The `$ref` that replaces a `$ref` of the document; throws an OperationError if none can. */
  ref(documentRef: string): string;
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
/** Formats the validator knows (ajv-formats, OpenAPI's numeric ones); others are only words. */
const FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'uuid',
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'binary',
  'password',
]);
const COUNTS = new Set([
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
]);
const BOUNDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
const FLAGS = new Set(['uniqueItems', 'readOnly', 'writeOnly', 'deprecated']);

/**
 * Turns an OpenAPI 3.0/3.1 Schema Object into JSON Schema 2020-12 that the MCP SDK's validator
 * compiles. Only keywords it knows are kept, each with a value of the right type, so a hostile
 * document cannot make a tool schema fail to compile or `tools/list` fail for every tool:
 * - `$ref` points into the tool's `$defs` (shared schemas are not expanded);
 * - OpenAPI 3.0 forms become 2020-12 ones: `nullable: true` adds the `null` type (§4.7.24),
 *   a boolean `exclusiveMinimum` moves `minimum` into it;
 * - `pattern` and `patternProperties` are dropped: the validator would run a regular
 *   expression written by the document over text written by the model, and a backtracking
 *   one can hold the event loop for seconds. The API checks its own patterns;
 * - OpenAPI-only keywords (`xml`, `example`, `discriminator`, ...), `x-` extensions, `$id`,
 *   `$schema`, `$anchor` and unknown keywords are dropped.
 */
export function toJsonSchema(schema: unknown, scope: SchemaScope, depth = 0): JsonSchema {
  scope.budget.checkDepth(depth);
  scope.budget.spend(2);
  if (schema === false) return { not: {} };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const source = schema as Record<string, unknown>;
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(source)) {
    const converted = keyword(key, value, scope, depth);
    if (converted === undefined) continue;
    scope.budget.spend(key.length + 4);
    entries.push([key, converted]);
  }
  const out: JsonSchema = Object.fromEntries(entries);
  // Without its pattern-matched properties, `additionalProperties` would refuse them.
  if (source.patternProperties !== undefined) delete out.additionalProperties;
  exclusiveBound(source, out, 'minimum', 'exclusiveMinimum');
  exclusiveBound(source, out, 'maximum', 'exclusiveMaximum');
  if (source.nullable === true) {
    const types: unknown[] = Array.isArray(out.type) ? out.type : [out.type];
    if (out.type !== undefined && !types.includes('null')) out.type = [...types, 'null'];
  }
  return out;
}

function keyword(key: string, value: unknown, scope: SchemaScope, depth: number): unknown {
  const inner = (schema: unknown) => toJsonSchema(schema, scope, depth + 1);
  switch (key) {
    case '$ref':
      return typeof value === 'string' ? scope.ref(value) : undefined;
    case 'type':
      return typeOf(value);
    case 'properties':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      return Object.fromEntries(
        Object.entries(value).map(([name, property]) => {
          scope.budget.spend(name.length + 4);
          return [name, inner(property)];
        }),
      );
    case 'items':
      return Array.isArray(value) ? undefined : inner(value);
    case 'not':
      return inner(value);
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : inner(value);
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return Array.isArray(value) && value.length > 0 ? value.map(inner) : undefined;
    case 'required':
      return Array.isArray(value) && value.every((name) => typeof name === 'string')
        ? [...new Set(value)].map((name) => copyJsonValue(name, scope.budget))
        : undefined;
    case 'enum':
      return Array.isArray(value) && value.length > 0
        ? copyJsonValue(value, scope.budget)
        : undefined;
    case 'const':
    case 'default':
      return copyJsonValue(value, scope.budget);
    case 'title':
    case 'description':
      return typeof value === 'string' ? copyJsonValue(value, scope.budget) : undefined;
    case 'format':
      return typeof value === 'string' && FORMATS.has(value) ? value : undefined;
    case 'multipleOf':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
    default:
      return scalar(key, value);
  }
}

function scalar(key: string, value: unknown): unknown {
  if (COUNTS.has(key)) return Number.isSafeInteger(value) && Number(value) >= 0 ? value : undefined;
  if (BOUNDS.has(key))
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  if (FLAGS.has(key)) return typeof value === 'boolean' ? value : undefined;
  return undefined;
}

function typeOf(value: unknown): unknown {
  if (typeof value === 'string') return JSON_TYPES.has(value) ? value : undefined;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const types = new Set(value);
  if (![...types].every((t) => typeof t === 'string' && JSON_TYPES.has(t))) return undefined;
  return [...types];
}

/** OpenAPI 3.0 (JSON Schema draft 4): `exclusiveMinimum: true` qualifies `minimum`. */
function exclusiveBound(
  source: Record<string, unknown>,
  out: JsonSchema,
  bound: 'minimum' | 'maximum',
  exclusive: 'exclusiveMinimum' | 'exclusiveMaximum',
): void {
  if (source[exclusive] !== true || typeof out[bound] !== 'number') return;
  out[exclusive] = out[bound];
  delete out[bound];
}
