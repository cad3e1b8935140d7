import type { OpenAPIV3 } from 'openapi-types';
import type { ProtectedApi } from '../../config/config';
import { METHODS, OperationTool, operationTool, Skipped } from './operation-tool';

export interface ApiTools {
  readonly tools: OperationTool[];
  readonly skipped: Skipped[];
}

/**
 * Every operation of the document that has an operationId, passes the API's include/exclude
 * lists and needs only scopes the API's configuration declares, as a tool.
 */
export function apiTools(
  api: ProtectedApi,
  document: OpenAPIV3.Document,
  prefix: string | undefined,
): ApiTools {
  const tools: OperationTool[] = [];
  const skipped: Skipped[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operationId = item?.[method]?.operationId;
      if (!operationId) continue;
      if (api.include && !api.include.includes(operationId)) continue;
      if (api.exclude.includes(operationId)) continue;
      const built = operationTool(document, path, method, prefix);
      if (!('method' in built)) {
        skipped.push(built);
        continue;
      }
      const undeclared = built.scopes.filter((s) => !api.scopes.includes(s));
      if (undeclared.length) {
        skipped.push({
          operation: operationId,
          reason: `needs scopes the APIs configuration does not declare: ${undeclared.join(' ')}`,
        });
        continue;
      }
      tools.push(built);
    }
  }
  return { tools, skipped };
}
