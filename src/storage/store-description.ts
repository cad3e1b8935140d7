import type { StorageConfig } from '../config/config';

/**
 * Which store a process opens, for an operator to compare with the server's: the SQLite file,
 * or the PostgreSQL URL without its password. Printed on a terminal, so it must reveal no secret.
 */
export function describeStore(config: StorageConfig): string {
  switch (config.kind) {
    case 'sqlite':
      return `SQLite ${config.path}`;
    case 'postgres':
      return `PostgreSQL ${withoutSecrets(config.url)}`;
  }
}

/**
 * user@host:port/database. The query string goes too: pg takes `password=` from it as well, and
 * it may name key files. A URL that does not parse is not shown at all, since where its password
 * ends cannot be told.
 */
function withoutSecrets(raw: string): string {
  const url = URL.parse(raw);
  if (!url) return '(DATABASE_URL not shown: it does not parse as a URL)';
  const dropped = url.search ? ' (query parameters not shown)' : '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return `${url.href}${dropped}`;
}
