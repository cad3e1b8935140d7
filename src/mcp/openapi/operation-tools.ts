import type { OpenAPIV3 } from 'openapi-types';
import type { ProtectedApi } from '../../config/config';
import { objectAt } from './document-refs';
import { OperationError } from './operation.error';
import { METHODS, OperationTool, operationTool } from './operation-tool';
import { SchemaBudget } from './schema-budget';
import { SchemaDefs } from './schema-defs';

/** Why an operation is not offered; logged, never fatal. */
export type Skipped = { readonly operation: string; readonly reason: string };

export interface ApiTools {
  readonly tools: OperationTool[];
  readonly skipped: Skipped[];
}

/** Tool names of this server's own tools, which no API may take. */
export const OWN_TOOLS: ReadonlySet<string> = new Set(['who-am-i', 'get-server-info']);
/** More paths than a model can choose among; the rest of the document is not read. */
const MAX_PATHS = 500;

/**
 * Every operation of the document that has an operationId, passes the API's include/exclude
 * lists and needs only scopes the API's configuration declares, as a tool. One broken
 * operation (an unresolvable `$ref`, an odd path) costs only its own tool; a document whose
 * schemas pass the size or depth cap throws an OpenApiDocumentError and gives no tools at all.
 */
export function apiTools(
  api: ProtectedApi,
  document: OpenAPIV3.Document,
  prefix: string | undefined,
): ApiTools {
  const budget = SchemaBudget.forDocument();
  const defs = new SchemaDefs(document, budget);
  const tools: OperationTool[] = [];
  const skipped: Skipped[] = [];
  const names = new Set(OWN_TOOLS);
  const paths = typeof document.paths === 'object' && document.paths !== null ? document.paths : {};
  for (const [path, entry] of Object.entries(paths).slice(0, MAX_PATHS)) {
    let item: Record<string, unknown> | undefined;
    try {
      item = objectAt(document, entry);
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      skipped.push({ operation: path.slice(0, 120), reason: error.message });
      continue;
    }
    for (const method of METHODS) {
      const operationId = operationIdOf(item?.[method]);
      if (!item || operationId === undefined) continue;
      if (api.include && !api.include.includes(operationId)) continue;
      if (api.exclude.includes(operationId)) continue;
      try {
        const built = operationTool(document, defs, budget.forTool(), path, item, method, prefix);
        checkScopes(api, built);
        if (names.has(built.name)) {
          throw new OperationError('duplicate_name', `tool ${built.name} exists already`);
        }
        names.add(built.name);
        tools.push(built);
      } catch (error) {
        if (!(error instanceof OperationError)) throw error;
        skipped.push({ operation: operationId, reason: error.message });
      }
    }
  }
  return { tools, skipped };
}

function operationIdOf(operation: unknown): string | undefined {
  if (typeof operation !== 'object' || operation === null) return undefined;
  const id = (operation as Record<string, unknown>).operationId;
  return typeof id === 'string' && id ? id.slice(0, 64) : undefined;
}

function checkScopes(api: ProtectedApi, tool: OperationTool): void {
  const undeclared = tool.scopes.filter((s) => !api.scopes.includes(s));
  if (undeclared.length) {
    throw new OperationError(
      'undeclared_scope',
      `needs scopes the APIs configuration does not declare: ${undeclared.join(' ')}`,
    );
  }
}
