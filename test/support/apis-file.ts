import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RolePorts } from './system';

/** An APIS_FILE listing the weather API as the default configuration does, plus `extra` fields. */
export function weatherApisFile(ports: RolePorts, extra: Record<string, unknown> = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'apis-')), 'apis.json');
  const api = `http://localhost:${ports.api}`;
  const weather = {
    name: 'weather',
    resource: api,
    scopes: ['weatherget'],
    openapi: `${api}/swagger-json`,
    baseUrl: api,
    ...extra,
  };
  writeFileSync(file, JSON.stringify({ apis: [weather] }));
  return file;
}
