import { objectAt } from './document-refs';
import { isForwardableHeader } from './forbidden-headers';
import { OperationError } from './operation.error';
import type { PathTemplate } from './path-template';

/** A parameter a tool takes and sends. */
export interface DeclaredParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  /** The Schema Object with the parameter's description, still with its `$ref`s. */
  readonly schema: unknown;
}

const MAX_PARAMETERS = 64;
const MAX_NAME = 128;

/**
 * The parameters of one operation: the Path Item's, overridden by the operation's with the
 * same name and location (OpenAPI 3 §4.8.9.1). Cookie parameters and headers we never forward
 * (./forbidden-headers.ts) are left out; every `{name}` of the path needs a path parameter and
 * every path parameter a `{name}`; names must be unique, since they become one input object.
 */
export function operationParameters(
  document: unknown,
  pathLevel: unknown,
  operationLevel: unknown,
  template: PathTemplate,
): DeclaredParameter[] {
  const byPlace = new Map<string, Record<string, unknown>>();
  for (const list of [pathLevel, operationLevel]) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > MAX_PARAMETERS)
      throw bad('a parameter list is malformed');
    for (const entry of list as unknown[]) {
      const parameter = objectAt(document, entry);
      if (!parameter || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') {
        throw bad('a parameter has no name or location');
      }
      byPlace.set(`${parameter.in} ${parameter.name}`, parameter);
    }
  }
  const declared: DeclaredParameter[] = [];
  const properties = new Set<string>();
  const headers = new Set<string>();
  for (const parameter of byPlace.values()) {
    const name = parameter.name as string;
    const place = parameter.in;
    if (!name || name.length > MAX_NAME) throw bad('a parameter name is empty or too long');
    if (place === 'cookie' || (place === 'header' && !isForwardableHeader(name))) continue;
    if (place !== 'path' && place !== 'query' && place !== 'header') {
      throw bad(`parameter "${name}" is in "${String(place).slice(0, 20)}"`);
    }
    if (place === 'path' && !template.names.has(name)) {
      throw bad(`path parameter "${name}" is not in the path`);
    }
    const header = place === 'header' ? name.toLowerCase() : undefined;
    if (properties.has(name) || (header !== undefined && headers.has(header))) {
      throw bad(`two parameters are named "${name}"`);
    }
    properties.add(name);
    if (header !== undefined) headers.add(header);
    declared.push({
      name,
      in: place,
      required: place === 'path' || parameter.required === true,
      schema: withDescription(parameter.schema, parameter.description),
    });
  }
  for (const name of template.names) {
    if (!declared.some((p) => p.in === 'path' && p.name === name)) {
      throw bad(`{${name}} of the path has no path parameter`);
    }
  }
  return declared;
}

function withDescription(schema: unknown, description: unknown): unknown {
  if (typeof description !== 'string' || !description) return schema;
  const base =
    typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? schema : {};
  return { ...base, description };
}

function bad(message: string): OperationError {
  return new OperationError('bad_parameter', message);
}
