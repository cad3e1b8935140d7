import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RolePorts } from './system';
import { WEATHER_API_SCOPES } from '../../src/config/apis';

/**
 * An APIS_FILE listing the weather API as the default configuration does, with `extra` fields
 * on its entry, followed by `others`.
 */
export function weatherApisFile(
  ports: RolePorts,
  extra: Record<string, unknown> = {},
  others: readonly Record<string, unknown>[] = [],
): string {
  const file = join(mkdtempSync(join(tmpdir(), 'apis-')), 'apis.json');
  const api = `http://localhost:${ports.api}`;
  const weather = {
    name: 'weather',
    resource: api,
    // The built-in entry's own list: the API refuses to start when a route's scope is missing.
    scopes: Object.keys(WEATHER_API_SCOPES),
    // The weather API checks DPoP proofs, as the built-in entry says.
    dpop: true,
    openapi: `${api}/swagger-json`,
    baseUrl: api,
    ...extra,
  };
  writeFileSync(file, JSON.stringify({ apis: [weather, ...others] }));
  return file;
}
