import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * The authorization server of a third-party service (a bare oidc-provider on a free loopback
 * port), as the AuthServer's connected accounts meet one: our AuthServer is its confidential
 * client with the connect callback as redirect URI; it grants one resource scope plus
 * offline_access (a refresh token), issues opaque access tokens for its API (RFC 8707
 * resource indicators), and answers introspection (RFC 7662) and revocation (RFC 7009).
 * Its consent is a real form the test's browser submits.
 */
export interface ThirdPartyAs {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The client the third-party API introspects with. */
  readonly apiClient: { readonly id: string; readonly secret: string };
  /** Revocation requests that reached the server, with the token type hint they sent. */
  readonly revocations: { hint: string | undefined }[];
  /** Refresh token grants it answered, to assert the vault refreshed. */
  refreshes: number;
  close(): Promise<void>;
}

export interface ThirdPartyAsOptions {
  /** The connect callback of our AuthServer. */
  readonly redirectUri: string;
  /** The RFC 8707 resource of the third-party API, and the scope it defines. */
  readonly resource: string;
  readonly scope: string;
  /** Who signs in there (the login step is automatic; the consent is not). */
  readonly accountId: string;
  /** Access token lifetime in seconds (short ones make the vault refresh). */
  readonly accessTokenTtl?: number;
}

export async function startThirdPartyAs(options: ThirdPartyAsOptions): Promise<ThirdPartyAs> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: ThirdPartyAs = {
    issuer,
    clientId: 'our-authserver',
    clientSecret: 'third-party-test-secret-0123456789',
    apiClient: { id: 'notes-api', secret: 'notes-api-introspection-secret-0123' },
    revocations: [],
    refreshes: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const configuration: Configuration = {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: state.apiClient.id,
        client_secret: state.apiClient.secret,
        redirect_uris: [],
        response_types: [],
        grant_types: [],
      },
    ],
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== options.resource) throw new Error('unknown resource');
          return {
            scope: options.scope,
            audience: options.resource,
            accessTokenFormat: 'opaque',
            accessTokenTTL: options.accessTokenTtl ?? 3600,
          };
        },
      },
    },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  };
  const provider = new Provider(issuer, configuration);
  provider.use(async (ctx, next) => {
    await next();
    const params = (ctx.oidc as { params?: Record<string, unknown> } | undefined)?.params;
    if (ctx.method !== 'POST' || !params) return;
    if (ctx.path === '/token/revocation' && ctx.status === 200)
      state.revocations.push({ hint: params.token_type_hint as string | undefined });
    if (ctx.path === '/token' && ctx.status === 200 && params.grant_type === 'refresh_token')
      state.refreshes++;
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([^/?]+)$/.exec(req.url ?? '');
    if (!match) return void callback(req, res);
    void interact(provider, options, req, res, match[1]!).catch(() => {
      res.statusCode = 400;
      res.end();
    });
  });
  return state;
}

/** GET: the consent form; POST: the user signed in and allowed what the client asked for. */
async function interact(
  provider: Provider,
  options: ThirdPartyAsOptions,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<!doctype html><title>Third party</title><p>Allow our-authserver to read your notes?</p>
       <form method="post" action="/interaction/${uid}">
         <button name="action" value="allow">Allow</button>
       </form>`,
    );
    return;
  }
  await readBody(req);
  const grant = new provider.Grant({
    clientId: String(details.params.client_id),
    accountId: options.accountId,
  });
  const asked = typeof details.params.scope === 'string' ? details.params.scope : '';
  grant.addOIDCScope(
    asked
      .split(' ')
      .filter((s) => s === 'offline_access' || s === 'openid')
      .join(' '),
  );
  grant.addResourceScope(options.resource, options.scope);
  await provider.interactionFinished(req, res, {
    login: { accountId: options.accountId },
    consent: { grantId: await grant.save() },
  });
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  return new URLSearchParams(raw);
}
