import { resolve } from 'node:path';
import { weatherApisFile } from './support/apis-file';
import { mcpClientFlow } from './support/flows';
import { postMcp } from './support/mcp';
import { decodeJwt } from './support/pkce';
import { proves } from './support/proves';
import { startTestSystem, TestSystem } from './support/system';
import { answer, authorizeUrl } from './security/attack';

const PETSTORE = 'https://petstore.example/api';
const FIXTURE = resolve(__dirname, 'fixtures/petstore/openapi.json');

/** The scope list of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). */
function challengedScopes(response: Response): string[] {
  const header = response.headers.get('www-authenticate') ?? '';
  const scope = /\bscope="([^"]*)"/.exec(header)?.[1];
  if (scope === undefined) throw new Error(`no scope in the challenge: ${header}`);
  return scope.split(' ').sort();
}

/**
 * What the MCP authorization spec, revision 2026-07-28, asks of the MCP server's challenges and
 * metadata ("Scope Challenge Handling", "Refresh Tokens") and of the AuthServer's authorization
 * responses ("Authorization Response Validation", RFC 9207), over real HTTP. The Petstore's
 * addPet needs two scopes (write:pets and read:pets), which the weather tool's one cannot show.
 */
describe('MCP authorization 2026-07-28', () => {
  let sys: TestSystem;
  const addPet = {
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'petstore-addPet', arguments: { body: { name: 'rex', photoUrls: [] } } },
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sys = await startTestSystem({
      env: (ports) => ({
        ROLES: 'auth,api,mcp',
        APIS_FILE: weatherApisFile(ports, {}, [
          {
            name: 'petstore',
            resource: PETSTORE,
            scopes: ['read:pets', 'write:pets'],
            openapi: FIXTURE,
            // Never called: every request here is refused before the tool runs.
            baseUrl: 'http://127.0.0.1:9/api',
            include: ['addPet', 'findPetsByStatus'],
          },
        ]),
      }),
    });
  });
  afterAll(() => sys?.close());

  it('challenges with every scope the operation needs, the granted one it still needs included', async () => {
    proves('mcp-auth-2026-07-28/mcp-server/step-up-all-scopes');
    const held = await mcpClientFlow(sys, 'read:pets');
    expect(decodeJwt(held.access_token).payload.scope).toBe('read:pets');
    const response = await postMcp(sys, addPet, bearer(held.access_token));
    expect(response.status).toBe(403);
    const header = response.headers.get('www-authenticate') ?? '';
    expect(header).toContain('error="insufficient_scope"');
    // One challenge with both: not only the missing write:pets, which would cost the client
    // its read:pets on re-authorization, and not one scope now and another on the retry.
    expect(challengedScopes(response)).toEqual(['read:pets', 'write:pets']);
  });

  it('never names offline_access in its metadata or its challenges, even to a token that has it', async () => {
    proves('mcp-auth-2026-07-28/mcp-server/no-offline-access');
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const metadata = (await (await fetch(sys.urls.mcp + path)).json()) as {
        scopes_supported: string[];
      };
      expect(metadata.scopes_supported).toEqual(
        expect.arrayContaining(['weatherget', 'read:pets', 'write:pets']),
      );
      expect(metadata.scopes_supported).not.toContain('offline_access');
    }
    const bare = await postMcp(sys, addPet);
    expect(bare.status).toBe(401);
    expect(challengedScopes(bare)).not.toContain('offline_access');
    const invalid = await postMcp(sys, addPet, bearer('not-a-token'));
    expect(invalid.status).toBe(401);
    expect(challengedScopes(invalid)).not.toContain('offline_access');

    const held = await mcpClientFlow(sys, 'read:pets offline_access');
    expect(held.refresh_token).toBeDefined();
    const stepUp = await postMcp(sys, addPet, bearer(held.access_token));
    expect(stepUp.status).toBe(403);
    expect(challengedScopes(stepUp)).toEqual(['read:pets', 'write:pets']);
  });

  it('names the issuer on every authorization error redirect, byte for byte (RFC 9207 §2)', async () => {
    proves('mcp-auth-2026-07-28/as/iss-on-error');
    const spa = { client_id: 'interactive', redirect_uri: `${sys.urls.spa}/signin-oidc` };
    const cases: [Record<string, string>, string][] = [
      [{ ...spa, prompt: 'none' }, 'login_required'],
      [{ ...spa, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ ...spa, resource: 'https://elsewhere.example/' }, 'invalid_target'],
    ];
    for (const [params, error] of cases) {
      const result = await answer(authorizeUrl(sys, params));
      expect(result.status).toBe(303);
      const location = new URL(result.headers.get('location') ?? '');
      expect(location.href.startsWith(`${spa.redirect_uri}?`)).toBe(true);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('xyz');
      // Clients compare without normalization (MCP 2026-07-28, RFC 9207 §2.4).
      expect(location.searchParams.get('iss')).toBe(sys.urls.issuer);
    }
  });
});
