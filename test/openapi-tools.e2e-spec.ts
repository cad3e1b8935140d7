import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { mcpClientFlow } from './support/flows';
import { HeadlessOAuthProvider, loopbackCallback } from './support/mcp-oauth';
import { RecordedRequest, recordingFetch } from './support/mcp';
import { PetstoreServer } from './support/petstore-server';
import { startTestSystem, TestSystem } from './support/system';

const PETSTORE = 'https://petstore.example/api';
const FIXTURE = resolve(__dirname, 'fixtures/petstore/openapi.json');

/**
 * A second API that no part of this project described: the public Swagger Petstore document,
 * added by one APIS_FILE entry. Its operations become tools of the MCP server, called with
 * tokens minted for the Petstore alone.
 */
describe('an API added by configuration (Swagger Petstore)', () => {
  const petstore = new PetstoreServer(() => PETSTORE, 'mcp.server');
  let sys: TestSystem;
  let callback: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    await petstore.start();
    callback = await loopbackCallback('/oauth/callback');
    const dir = mkdtempSync(join(tmpdir(), 'apis-'));
    const apisFile = join(dir, 'apis.json');
    sys = await startTestSystem({
      env: (ports) => {
        writeFileSync(
          apisFile,
          JSON.stringify({
            apis: [
              {
                name: 'weather',
                resource: `http://localhost:${ports.api}`,
                scopes: ['weatherget', 'api'],
                openapi: `http://localhost:${ports.api}/swagger-json`,
                baseUrl: `http://localhost:${ports.api}`,
              },
              {
                name: 'petstore',
                resource: PETSTORE,
                scopes: ['read:pets', 'write:pets'],
                openapi: FIXTURE,
                baseUrl: petstore.url,
                tokenTtlSeconds: 120,
                include: ['addPet', 'findPetsByStatus', 'deletePet', 'getPetById'],
              },
            ],
          }),
        );
        return { APIS_FILE: apisFile };
      },
    });
    petstore.issuer = sys.urls.issuer;
  });
  afterAll(async () => {
    await sys?.close();
    await callback?.close();
    await petstore.stop();
  });

  it('lists the operations as tools, steps up for their scopes, and calls them with exchanged tokens', async () => {
    const narrow = await mcpClientFlow(sys, 'openid weatherget');
    const provider = new HeadlessOAuthProvider({
      redirectUrl: `http://localhost:${new URL(callback.url).port}/oauth/callback`,
      client: {
        client_id: 'mcpclient',
        client_secret: 'mcpclient_secret',
        token_endpoint_auth_method: 'client_secret_basic',
        issuer: sys.urls.issuer,
      },
      tokens: { ...narrow, issuer: sys.urls.issuer },
    });
    const log: RecordedRequest[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(`${sys.urls.mcp}/mcp`), {
      authProvider: provider,
      fetch: recordingFetch(log),
    });
    const client = new Client({ name: 'petstore-e2e', version: '1.0.0' });
    await client.connect(transport);

    // Without the Petstore's scopes its tools are hidden; getPetById (api_key only) is never one.
    const before = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(before).toEqual(['get-server-info', 'weather-get-weather-forecast', 'who-am-i']);

    const find = () =>
      client.callTool({ name: 'petstore-findPetsByStatus', arguments: { status: ['available'] } });
    let found;
    try {
      found = await find();
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      await transport.finishAuth(provider.takeCallback());
      found = await find();
    }
    // Step-up: a 403 naming the operation's scopes, then a new authorization asking for them.
    const challenge = log.find((r) => r.status === 403);
    expect(challenge).toBeDefined();
    expect(provider.authorizationRequests.at(-1)?.searchParams.get('scope')).toMatch(/write:pets/);
    expect(found.isError).toBeFalsy();
    expect(found.structuredContent).toEqual({
      result: [{ id: 1, name: 'doggie', photoUrls: [], status: 'available' }],
    });

    const tools = (await client.listTools()).tools;
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual([
      'get-server-info',
      'petstore-addPet',
      'petstore-deletePet',
      'petstore-findPetsByStatus',
      'weather-get-weather-forecast',
      'who-am-i',
    ]);
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('petstore-findPetsByStatus')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(byName.get('petstore-deletePet')?.annotations).toMatchObject({ destructiveHint: true });
    // $refs kept as $defs: the body is the Pet schema with its required fields.
    expect(byName.get('petstore-addPet')?.inputSchema).toMatchObject({
      required: ['body'],
      properties: { body: { $ref: '#/$defs/Pet' } },
      $defs: { Pet: { required: ['name', 'photoUrls'] } },
    });

    const added = await client.callTool({
      name: 'petstore-addPet',
      arguments: { body: { id: 2, name: 'Rex', photoUrls: [], status: 'pending' } },
    });
    expect(added.isError).toBeFalsy();
    expect(petstore.pets.map((p) => p.name)).toEqual(['doggie', undefined, 'Rex']);

    // An answer outside the document's schema is a tool error, not a result clients refuse.
    const offSpec = await client.callTool({
      name: 'petstore-findPetsByStatus',
      arguments: { status: ['sold'] },
    });
    expect(offSpec.isError).toBe(true);
    expect(JSON.parse((offSpec.content as { text: string }[])[0]!.text)).toMatchObject({
      status: 502,
    });

    // The Petstore never saw the caller's token: only tokens minted for it, acting as the MCP server.
    const callerTokens = new Set(provider.savedTokens.map((t) => t.access_token));
    expect(petstore.seen.length).toBeGreaterThanOrEqual(2);
    for (const { raw, claims } of petstore.seen) {
      expect(callerTokens.has(raw)).toBe(false);
      expect(claims).toMatchObject({ aud: PETSTORE, act: { sub: 'mcp.server' }, sub: '818727' });
      expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(120);
    }
    await client.close();
  });

  it('answers an upstream 404 as a tool error with the status and problem details', async () => {
    const token = await mcpClientFlow(sys, 'openid read:pets write:pets');
    const transport = new StreamableHTTPClientTransport(new URL(`${sys.urls.mcp}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token.access_token}` } },
    });
    const client = new Client({ name: 'petstore-e2e', version: '1.0.0' });
    await client.connect(transport);
    const result = await client.callTool({ name: 'petstore-deletePet', arguments: { petId: 7 } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(JSON.parse(text)).toEqual({ status: 404, title: 'Not found' });
    expect(text).not.toContain(token.access_token);
    await client.close();
  });
});
