import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Provider, { type Configuration } from 'oidc-provider';

/** How the test upstream misbehaves, switched between test cases. */
export type UpstreamMode = 'honest' | 'slow' | 'wrong_iss' | 'bad_nonce' | 'alg_none';

export interface UpstreamUser {
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
}

export interface TestUpstream {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  mode: UpstreamMode;
  /** Who "signs in" at the upstream: its login step is automatic. */
  user: UpstreamUser;
  close(): Promise<void>;
}

function unsigned(idToken: string): string {
  const [, payload] = idToken.split('.');
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return `${header}.${payload}.`;
}

/**
 * A bare oidc-provider on a free loopback port: one confidential client (our AuthServer), a
 * `groups` claim, a login step that signs in `user` at once, and Koa middleware that turns it
 * hostile on demand (RFC 9207 iss, nonce, alg none, slowness).
 */
export async function startUpstream(
  redirectUri: string,
  user: UpstreamUser,
  /** How long the token endpoint stalls in `slow` mode: beyond FEDERATION_TIMEOUT_SECONDS. */
  slowMs = 7_000,
): Promise<TestUpstream> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: TestUpstream = {
    issuer,
    clientId: 'our-authserver',
    clientSecret: 'upstream-test-secret-0123456789',
    mode: 'honest',
    user,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const configuration: Configuration = {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // The claims go in the ID token, where our AuthServer reads them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        email: state.user.email,
        email_verified: true,
        name: state.user.name,
        groups: [...state.user.groups],
      }),
    }),
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.use(async (ctx, next) => {
    if (state.mode === 'bad_nonce' && ctx.path === '/auth' && ctx.method === 'GET') {
      ctx.query = { ...ctx.query, nonce: 'not-the-nonce-you-sent' };
    }
    if (state.mode === 'slow' && ctx.path === '/token') await sleep(slowMs);
    await next();
    const location = ctx.response.get('location');
    if (state.mode === 'wrong_iss' && location.includes('iss=')) {
      const url = new URL(location);
      url.searchParams.set('iss', 'https://evil.example');
      ctx.redirect(url.href);
    }
    if (state.mode === 'alg_none' && ctx.path === '/token' && ctx.status === 200) {
      const body = ctx.body as { id_token?: string };
      if (body.id_token) ctx.body = { ...body, id_token: unsigned(body.id_token) };
    }
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (!match) return void callback(req, res);
    void provider
      .interactionFinished(req, res, { login: { accountId: state.user.sub } })
      .catch(() => {
        res.statusCode = 400;
        res.end();
      });
  });
  return state;
}
