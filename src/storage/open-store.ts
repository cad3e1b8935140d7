import { StorageConfig } from '../config/config';
import { PostgresAuthStore } from './postgres/postgres.store';
import { SqliteAuthStore } from './sqlite/sqlite.store';
import { AuthStore } from './store';

export async function openStore(config: StorageConfig): Promise<AuthStore> {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteAuthStore(config.path);
    case 'postgres':
      return PostgresAuthStore.connect(config.url, config.poolSize);
  }
}
