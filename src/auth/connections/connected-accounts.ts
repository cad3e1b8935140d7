import { z } from 'zod';
import type { ConnectionStore } from '../../storage/connection-store';
import type { UpstreamDirectory } from '../federation/upstream-directory';
import type { UpstreamIdp } from '../federation/upstream-idp';
import type { ConnectClient, UpstreamTokens } from './connect-client';
import { ConnectionError } from './connection.error';
import { EnvelopeError, type EnvelopeKeys } from './envelope';

/** An access token this close to expiry is refreshed first: the API call still needs time. */
const REFRESH_MARGIN_MS = 60_000;

const SealedTokens = z.strictObject({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().optional(),
  scope: z.string(),
});

/** A connection as the account page shows it: never a token. */
export interface ConnectionView {
  readonly provider: string;
  readonly displayName: string;
  readonly scopes: readonly string[];
  readonly connectedAt: Date;
}

/** What AAD binds a sealed record to: this user's connection to this provider. */
function contextOf(userSub: string, provider: string): string {
  return `connected-account\n${userSub}\n${provider}`;
}

/**
 * The token vault: users' upstream grants, sealed at rest (envelope.ts), handed out only as an
 * access token for the one API that trusts that upstream (through the token exchange grant),
 * refreshed on demand, revoked upstream on disconnect. Tokens never reach a log or a page.
 */
export class ConnectedAccounts {
  constructor(
    private readonly store: ConnectionStore,
    private readonly keys: EnvelopeKeys,
    private readonly directory: UpstreamDirectory,
    private readonly client: ConnectClient,
    /** Told when the upstream refused a refresh and the connection was removed (audit log). */
    private readonly onRefreshRefused?: (who: { subject: string; provider: string }) => void,
  ) {}

  async save(userSub: string, provider: string, tokens: UpstreamTokens): Promise<void> {
    await this.store.putConnection({
      userSub,
      provider,
      sealed: this.seal(userSub, provider, tokens),
      scopes: tokens.scope,
    });
  }

  /** A usable upstream access token of the user, refreshed when (nearly) expired. */
  async accessToken(userSub: string, provider: string): Promise<UpstreamTokens> {
    const row = await this.store.findConnection(userSub, provider);
    if (!row) throw new ConnectionError('not_connected', 'no connected account');
    const tokens = this.open(userSub, provider, row.sealed);
    if (tokens.expiresAt === undefined || tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS)
      return tokens;
    if (!tokens.refreshToken) throw new ConnectionError('not_connected', 'the grant has expired');
    const idp = await this.idp(provider);
    let fresh: UpstreamTokens;
    try {
      fresh = await this.client.refresh(idp, tokens.refreshToken, tokens.scope);
    } catch (error) {
      // RFC 6749 §5.2 invalid_grant: the upstream grant is gone; the user connects again.
      if (error instanceof ConnectionError && error.code === 'upstream_refused') {
        await this.store.removeConnection(userSub, provider);
        this.onRefreshRefused?.({ subject: userSub, provider });
        throw new ConnectionError('not_connected', 'the upstream refused the refresh');
      }
      throw error;
    }
    if (
      !(await this.store.resealConnection(userSub, provider, this.seal(userSub, provider, fresh)))
    )
      throw new ConnectionError('not_connected', 'disconnected meanwhile');
    return fresh;
  }

  async list(userSub: string): Promise<ConnectionView[]> {
    const idps = await this.directory.all();
    return (await this.store.connectionsOfUser(userSub)).map((row) => ({
      provider: row.provider,
      displayName: idps.find((i) => i.slug === row.provider)?.displayName ?? row.provider,
      scopes: row.scopes.split(' ').filter(Boolean),
      connectedAt: new Date(row.connectedAt),
    }));
  }

  /**
   * Removes the connection, then revokes it upstream (RFC 7009) where advertised: the refresh
   * token (which revokes the grant's access tokens too at most servers, §2.1) and the access
   * token. Removal first: an upstream that is down must not keep the user connected here.
   * Returns whether there was a connection.
   */
  async disconnect(userSub: string, provider: string): Promise<boolean> {
    const row = await this.store.findConnection(userSub, provider);
    if (!row || !(await this.store.removeConnection(userSub, provider))) return false;
    const idp = await this.directory.find(provider);
    if (!idp) return true;
    let tokens: UpstreamTokens;
    try {
      tokens = this.open(userSub, provider, row.sealed);
    } catch {
      // Sealed with a key no longer configured: nothing left to revoke with.
      return true;
    }
    await Promise.allSettled([
      ...(tokens.refreshToken
        ? [this.client.revoke(idp, tokens.refreshToken, 'refresh_token')]
        : []),
      this.client.revoke(idp, tokens.accessToken, 'access_token'),
    ]);
    return true;
  }

  async idp(provider: string): Promise<UpstreamIdp> {
    const idp = await this.directory.find(provider);
    if (!idp) throw new ConnectionError('unknown_provider', 'no such upstream provider');
    return idp;
  }

  private seal(userSub: string, provider: string, tokens: UpstreamTokens): string {
    return this.keys.seal(JSON.stringify(tokens), contextOf(userSub, provider));
  }

  /** A row that does not open (tampered, or sealed with a key no longer configured) is no grant. */
  private open(userSub: string, provider: string, sealed: string): UpstreamTokens {
    try {
      const parsed = SealedTokens.parse(
        JSON.parse(this.keys.open(sealed, contextOf(userSub, provider))),
      );
      return { ...parsed, refreshToken: parsed.refreshToken, expiresAt: parsed.expiresAt };
    } catch (error) {
      if (
        error instanceof EnvelopeError ||
        error instanceof z.ZodError ||
        error instanceof SyntaxError
      )
        throw new ConnectionError('not_connected', 'the stored connection cannot be opened');
      throw error;
    }
  }
}
