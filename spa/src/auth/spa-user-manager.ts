import {
  IndexedDbDPoPStore,
  User,
  UserManager,
  WebStorageStateStore,
  type SigninSilentArgs,
  type UserManagerSettings,
} from 'oidc-client-ts';
import type { SpaConfig } from '../config/config';
import type { AccessCredential } from '../http/access-credential';
import { decodeJwt, numericClaim } from './jwt';
import { McpTokenStore, type McpToken } from './mcp-token-store';
import { refreshForResource } from './refresh-grant';
import { SessionExpiredError } from './session-expired';
import { SerialQueue } from './serial-queue';

export const SIGNIN_CALLBACK_PATH = '/signin-oidc';
export const SIGNOUT_CALLBACK_PATH = '/signout-callback-oidc';

/** Renew this long before a token expires, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_SECONDS = 30;

/** Where oidc-client-ts keeps the DPoP key pair (its DPoPStore type is not exported). */
export type DpopKeyStore = NonNullable<UserManagerSettings['dpop']>['store'];

export function userManagerSettings(
  config: SpaConfig,
  origin: string,
  storage: Storage,
  dpopStore: DpopKeyStore,
): UserManagerSettings {
  const store = new WebStorageStateStore({ store: storage });
  return {
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${origin}${SIGNIN_CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}${SIGNOUT_CALLBACK_PATH}`,
    response_type: 'code',
    scope: config.scope,
    // RFC 8707 §2.1: name every audience the grant must cover; each token then picks one.
    resource: [config.apiResource, config.mcpResource],
    extraTokenParams: { resource: config.apiResource },
    userStore: store,
    stateStore: store,
    automaticSilentRenew: true,
    // The ID token carries the profile claims; the access token is for the API, not userinfo.
    loadUserInfo: false,
    revokeTokenTypes: ['refresh_token'],
    // RFC 9449: every token request carries a proof, so the access and refresh tokens are bound
    // to a key the page cannot export (§5; oidc-client-ts generates it non-extractable), and the
    // authorization request names that key in dpop_jkt so the code is bound to it too (§10).
    // Removing the user (sign-out) deletes the key.
    dpop: { store: dpopStore, bind_authorization_code: true },
  };
}

/**
 * oidc-client-ts's UserManager, taught that this SPA holds two access tokens: one for the API
 * (the User's own access_token) and one for the MCP server (kept in McpTokenStore). Every
 * refresh-token use goes through one queue because refresh tokens rotate.
 */
export class SpaUserManager extends UserManager {
  private readonly queue = new SerialQueue();
  readonly mcpTokens: McpTokenStore;
  /** The resource servers' DPoP nonces by origin (RFC 9449 §8), shared by every request. */
  private readonly resourceNonces = new Map<string, string>();

  constructor(
    readonly config: SpaConfig,
    origin: string,
    storage: Storage,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
    private readonly dpopStore: DpopKeyStore = new IndexedDbDPoPStore(),
  ) {
    super(userManagerSettings(config, origin, storage, dpopStore));
    this.mcpTokens = new McpTokenStore(
      storage,
      `api-mcp-auth.mcp-token:${config.authority}:${config.clientId}`,
    );
    this.events.addUserUnloaded(() => this.mcpTokens.clear());
  }

  /**
   * Also what automaticSilentRenew calls. The API resource is added because the library sends
   * none by default, and the MCP token is renewed right after, with the rotated refresh token.
   */
  override signinSilent(args: SigninSilentArgs = {}): Promise<User | null> {
    return this.queue.run(() => this.renew(args));
  }

  /**
   * The API access token, renewed first if it expires within the margin. Pages ask for it on
   * every request, so a tab that slept through the renewal timer still sends a live token.
   */
  apiCredential(): Promise<AccessCredential> {
    return this.queue.run(async () => {
      let user = await this.getUser();
      if (user?.refresh_token && expiresWithinMargin(user.expires_at)) user = await this.renew({});
      if (!user || user.expired) throw new SessionExpiredError();
      return this.credential(user, user.access_token, user.token_type);
    });
  }

  /** The MCP token as mcpToken() gives it, with what it takes to present it. */
  async mcpCredential(): Promise<AccessCredential> {
    const token = await this.mcpToken();
    const user = await this.getUser();
    if (!user) throw new SessionExpiredError();
    return this.credential(user, token.accessToken, token.tokenType);
  }

  /**
   * A DPoP-bound token (token_type DPoP, RFC 9449 §5) is presented with a proof whose `ath` is
   * its hash (§4.2); oidc-client-ts hashes the User's access_token, so a token other than the
   * User's own travels in a User of its own.
   */
  private credential(user: User, accessToken: string, tokenType: string): AccessCredential {
    if (tokenType.toLowerCase() !== 'dpop') return { accessToken };
    const holder =
      accessToken === user.access_token
        ? user
        : new User({ access_token: accessToken, token_type: tokenType, profile: user.profile });
    return {
      accessToken,
      dpop: {
        nonces: this.resourceNonces,
        prove: async (htu, htm, nonce) => {
          const proof = await this.dpopProof(htu, holder, htm, nonce);
          if (!proof) throw new SessionExpiredError();
          return proof;
        },
      },
    };
  }

  /** The stored MCP token while it is fresh, else a new one from the refresh_token grant. */
  mcpToken(forceRefresh = false): Promise<McpToken> {
    return this.queue.run(async () => {
      const stored = this.mcpTokens.read();
      if (!forceRefresh && stored && !expiresWithinMargin(stored.expiresAt)) return stored;
      const user = await this.getUser();
      if (!user?.refresh_token) throw new SessionExpiredError();
      return this.refreshMcpToken(user);
    });
  }

  /** Callers must hold the queue. */
  private async renew(args: SigninSilentArgs): Promise<User | null> {
    const user = await super.signinSilent({ resource: this.config.apiResource, ...args });
    if (user?.refresh_token) {
      // A failure here must not undo the API renewal; the MCP page asks again and reports it.
      await this.refreshMcpToken(user).catch(() => {
        this.mcpTokens.clear();
      });
    }
    return user;
  }

  /** Callers must hold the queue. */
  private async refreshMcpToken(user: User): Promise<McpToken> {
    const refreshToken = user.refresh_token;
    if (!refreshToken) throw new Error('no refresh token');
    const tokenEndpoint = await this.metadataService.getTokenEndpoint(false);
    if (!tokenEndpoint) throw new Error('the AuthServer advertises no token_endpoint');
    const response = await refreshForResource(
      {
        tokenEndpoint,
        clientId: this.config.clientId,
        refreshToken,
        resource: this.config.mcpResource,
        // The library's own token-endpoint proof: same key, and the AuthServer's last nonce.
        dpopProof: (nonce) => this._client.getDpopProof(this.dpopStore, nonce),
      },
      this.fetchFn,
    );
    // Store the rotated refresh token at once: the old one is spent from this moment.
    if (response.refresh_token) {
      user.refresh_token = response.refresh_token;
      await this.storeUser(user);
    }
    const token: McpToken = {
      accessToken: response.access_token,
      tokenType: response.token_type,
      expiresAt: expiresAt(response.access_token, response.expires_in),
      ...(response.scope !== undefined && { scope: response.scope }),
    };
    this.mcpTokens.write(token);
    return token;
  }
}

/** expires_in (RFC 6749 §5.1) if sent, else the JWT's exp, else "now" so it is renewed on use. */
function expiresAt(accessToken: string, expiresIn: number | undefined): number {
  if (expiresIn !== undefined) return nowSeconds() + expiresIn;
  try {
    return numericClaim(decodeJwt(accessToken).claims, 'exp') ?? nowSeconds();
  } catch {
    return nowSeconds();
  }
}

function expiresWithinMargin(expiresAt: number | undefined): boolean {
  return expiresAt !== undefined && expiresAt - EXPIRY_MARGIN_SECONDS <= nowSeconds();
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
