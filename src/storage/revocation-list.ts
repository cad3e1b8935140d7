import { AuthStore } from './store';

const MODEL = 'RevokedAccessToken';

/**
 * JWT access tokens are self-contained, so revoking one means remembering its `jti` until it
 * would have expired anyway. The authorization server writes here; resource servers read.
 */
export class RevocationList {
  constructor(private readonly store: AuthStore) {}

  async revoke(jti: string, expiresAtEpochSeconds: number): Promise<void> {
    const remaining = Math.max(1, expiresAtEpochSeconds - Math.floor(Date.now() / 1000));
    await this.store.upsert(MODEL, jti, { jti, revokedAt: Date.now() }, remaining);
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.store.find(MODEL, jti)) !== undefined;
  }
}
