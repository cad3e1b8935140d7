/** A JSON Schema object as MCP tool schemas carry it (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

/** OpenAPI 3.0 schema keywords that JSON Schema does not know; dropped so validators accept them. */
const OPENAPI_ONLY = new Set(['xml', 'example', 'externalDocs', 'discriminator', 'nullable']);

/**
 * Turns an OpenAPI 3.0/3.1 Schema Object (already dereferenced) into plain JSON Schema:
 * `nullable: true` becomes a `null` type (OpenAPI 3.0 §4.7.24 vs JSON Schema), OpenAPI-only
 * keywords are dropped. A schema reached again while converting (a circular `$ref`) becomes
 * `{}`, so the result is always a finite tree that serializes.
 */
export function toJsonSchema(schema: unknown, path: ReadonlySet<object> = new Set()): JsonSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  if (path.has(schema)) return {};
  const inner = new Set(path).add(schema);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (OPENAPI_ONLY.has(key) || key.startsWith('x-')) continue;
    out[key] = convert(key, value, inner);
  }
  const source = schema as Record<string, unknown>;
  if (source.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** Keywords whose value is a schema, a list of schemas, or a map of schemas. */
function convert(key: string, value: unknown, path: ReadonlySet<object>): unknown {
  switch (key) {
    case 'items':
    case 'not':
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : toJsonSchema(value, path);
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return Array.isArray(value) ? value.map((s) => toJsonSchema(s, path)) : value;
    case 'properties':
      return typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value).map(([name, s]) => [name, toJsonSchema(s, path)]),
          )
        : value;
    default:
      return value;
  }
}
