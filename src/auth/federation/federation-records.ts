import { createHash } from 'node:crypto';
import type { AuthStore } from '../../storage/store';
import type { UpstreamClaims } from './scope-rules';

/**
 * Short-lived server-side records of a federated sign-in, in oidc-provider's record table:
 * - the pending request by its `state`, consumed atomically once (a replayed or forged state
 *   finds nothing, on any replica), holding the PKCE verifier and nonce that never leave us
 *   and a hash of the browser-binding cookie (the callback must come back to the same browser);
 * - the last upstream sign-in of a local user, which consent reads to apply scope rules.
 */
const PENDING = 'FederationState';
const SIGNED_IN = 'FederatedSignIn';
/** The user has this long at the upstream before the state expires. */
export const PENDING_TTL_SECONDS = 600;
/** As long as a browser session: consents later in the session still see the upstream claims. */
const SIGNED_IN_TTL_SECONDS = 14 * 24 * 3600;

export interface PendingSignIn {
  readonly uid: string;
  readonly slug: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly bindingHash: string;
  readonly clientId: string;
}

export interface FederatedSignIn {
  readonly slug: string;
  readonly displayName: string;
  readonly claims: UpstreamClaims;
}

export function hashBinding(binding: string): string {
  return createHash('sha256').update(binding).digest('base64url');
}

export class FederationRecords {
  constructor(private readonly store: AuthStore) {}

  async savePending(state: string, pending: PendingSignIn): Promise<void> {
    await this.store.upsert(PENDING, state, { ...pending }, PENDING_TTL_SECONDS);
  }

  /** The pending sign-in, exactly once; undefined when unknown, expired or used already. */
  async takePending(state: string): Promise<PendingSignIn | undefined> {
    if (!(await this.store.consume(PENDING, state))) return undefined;
    const record = await this.store.find(PENDING, state);
    return record && (record as unknown as PendingSignIn);
  }

  async saveSignIn(accountId: string, signIn: FederatedSignIn): Promise<void> {
    await this.store.upsert(SIGNED_IN, accountId, { ...signIn }, SIGNED_IN_TTL_SECONDS);
  }

  async signInOf(accountId: string): Promise<FederatedSignIn | undefined> {
    const record = await this.store.find(SIGNED_IN, accountId);
    return record && (record as unknown as FederatedSignIn);
  }
}
