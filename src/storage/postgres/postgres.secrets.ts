import type { Pool } from 'pg';
import type { SecretStore } from '../secret-store';
import { POSTGRES } from './postgres.statements';

/** The server's secrets on PostgreSQL. */
export class PostgresSecrets implements SecretStore {
  constructor(private readonly pool: Pool) {}

  async putSecretIfAbsent(name: string, value: string): Promise<string> {
    await this.pool.query(POSTGRES.putSecret, [name, value]);
    const result = await this.pool.query<{ value: string }>(POSTGRES.getSecret, [name]);
    return result.rows[0]!.value;
  }

  async getSecret(name: string): Promise<string | undefined> {
    const result = await this.pool.query<{ value: string }>(POSTGRES.getSecret, [name]);
    return result.rows[0]?.value;
  }

  async replaceSecret(name: string, expected: string, next: string): Promise<boolean> {
    const result = await this.pool.query(POSTGRES.replaceSecret, [name, expected, next]);
    return result.rowCount === 1;
  }
}
