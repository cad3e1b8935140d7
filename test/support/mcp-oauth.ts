import { createServer, type Server } from 'node:http';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type DpopSession,
  type OAuthDiscoveryState,
} from '@modelcontextprotocol/client';
import { TestBrowser } from './browser';

/** Tokens and client information as both MCP SDK generations store them. */
export interface StoredTokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  scope?: string;
  expires_in?: number;
  [field: string]: unknown;
}

export interface StoredClient {
  client_id: string;
  client_secret?: string;
  [field: string]: unknown;
}

export interface HeadlessProviderOptions {
  readonly redirectUrl: string;
  readonly clientName?: string;
  readonly username?: string;
  readonly password?: string;
  /** Pre-registered client (skips dynamic registration). */
  readonly client?: StoredClient;
  /** Tokens the client already holds. */
  readonly tokens?: StoredTokens;
  /** Makes the v2 client ask for DPoP-bound tokens and send proofs (SEP-1932). */
  readonly dpop?: DpopSession;
}

/**
 * An `OAuthClientProvider` for the official MCP clients (v1 and v2 alike) whose "browser" is
 * the cookie-jar TestBrowser: `redirectToAuthorization` logs in as the user and consents on
 * the AuthServer's real pages, then keeps the callback for the test to hand to `finishAuth`.
 * It records what the SDK did, so tests can assert the flow rather than just its end.
 */
export class HeadlessOAuthProvider {
  readonly browser = new TestBrowser();
  readonly authorizationRequests: URL[] = [];
  readonly savedTokens: StoredTokens[] = [];
  registeredClient?: StoredClient;
  /** Every authorization response the browser brought back, for assertions. */
  readonly callbacks: URL[] = [];
  private current?: StoredTokens;
  private verifier?: string;
  private callback?: URL;
  private discovery?: OAuthDiscoveryState;

  constructor(private readonly options: HeadlessProviderOptions) {
    this.registeredClient = options.client;
    this.current = options.tokens;
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata() {
    return {
      client_name: this.options.clientName ?? 'headless MCP test client',
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): StoredClient | undefined {
    return this.registeredClient;
  }

  saveClientInformation(client: StoredClient): void {
    this.registeredClient = client;
  }

  tokens(): StoredTokens | undefined {
    return this.current;
  }

  saveTokens(tokens: StoredTokens): void {
    this.current = tokens;
    this.savedTokens.push(tokens);
  }

  /** Replaces the held access token (to make the next request fail authentication). */
  replaceAccessToken(accessToken: string): void {
    if (!this.current) throw new Error('no tokens to replace');
    this.current = { ...this.current, access_token: accessToken };
  }

  /** v2 only: the DPoP session, when the test asked for one. */
  dpop(): DpopSession | undefined {
    return this.options.dpop;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE verifier saved');
    return this.verifier;
  }

  /** v2 keeps what it discovered across the redirect, to bind the callback to that server. */
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationRequests.push(url);
    this.callback = await this.browser.authorize(url.href, {
      redirectUri: this.options.redirectUrl,
      username: this.options.username,
      password: this.options.password,
    });
    this.callbacks.push(this.callback);
  }

  /** The authorization response of the last redirect (code, state, iss), handed out once. */
  takeCallback(): URLSearchParams {
    const callback = this.callback;
    this.callback = undefined;
    if (!callback) throw new Error('the client did not send the user to authorize');
    if (!callback.searchParams.get('code'))
      throw new Error(`authorization failed: ${callback.href}`);
    return callback.searchParams;
  }
}

/**
 * A loopback "callback server" port, as a CLI MCP client would open one: held open during the
 * test so the port is really the client's. Nothing is served; the browser stops before it.
 */
export async function loopbackCallback(
  path = '/callback',
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The official v2 client connected to `mcpUrl` as a user connects one: a first attempt the
 * server refuses (401), the provider's headless sign-in, then a new transport with the token.
 */
export async function connectSignedIn(
  mcpUrl: string,
  provider: HeadlessOAuthProvider,
  clientInfo: { name: string; version: string },
  fetch?: typeof globalThis.fetch,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const open = () =>
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      authProvider: provider,
      ...(fetch ? { fetch } : {}),
    });
  let transport = open();
  let client = new Client(clientInfo);
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await transport.finishAuth(provider.takeCallback());
    transport = open();
    client = new Client(clientInfo);
    await client.connect(transport);
  }
  return { client, transport };
}
