import Database from 'better-sqlite3';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type CallToolResult,
} from '@modelcontextprotocol/client';
import { SqliteAuthStore } from '../src/storage/sqlite/sqlite.store';
import { weatherApisFile } from './support/apis-file';
import { connectSignedIn, HeadlessOAuthProvider, loopbackCallback } from './support/mcp-oauth';
import { NOTES_SCOPE, NotesApi } from './support/notes-api';
import { captureLogs } from './support/captured-logs';
import { startTestSystem, type TestSystem } from './support/system';
import { startThirdPartyAs, type ThirdPartyAs } from './support/third-party-as';

const PROVIDER = 'notes-co';
const TOOL = 'notes-listNotes';

/**
 * Connected accounts end to end: a third-party API that trusts only its own authorization
 * server, offered as an MCP tool. The official MCP client (v2) signs in here; the tool first
 * answers with a link to connect; the user follows it in the same browser, consents at the
 * third party and comes back; the tool then calls the API with the third party's token (sealed
 * at rest here), and a disconnect revokes it there and brings the link back.
 */
describe('connected accounts (token vault)', () => {
  const notes = new NotesApi();
  let upstream: ThirdPartyAs;
  let sys: TestSystem;
  let callback: { url: string; close(): Promise<void> };
  let provider: HeadlessOAuthProvider;
  let client: Client;
  let transport: StreamableHTTPClientTransport;

  const call = async (): Promise<CallToolResult> => {
    const run = () => client.callTool({ name: TOOL, arguments: {} });
    try {
      return await run();
    } catch (error) {
      // Step-up: the tool needs the notes scope in the MCP token (MCP authorization, 403).
      if (!(error instanceof UnauthorizedError)) throw error;
      await transport.finishAuth(provider.takeCallback());
      return run();
    }
  };
  const connectUrlOf = (result: CallToolResult): string => {
    expect(result.isError).toBe(true);
    const problem = result.structuredContent as { connect_url?: string } | undefined;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    const url = problem?.connect_url ?? /https?:\/\/\S+\/account\/connect\/[\w-]+/.exec(text)?.[0];
    expect(url).toBe(`${sys.urls.issuer}/account/connect/${PROVIDER}`);
    return url!;
  };

  const logs = captureLogs();
  const audited = (event: string) => logs.named('audit').filter((line) => line.event === event);

  beforeAll(async () => {
    await notes.start();
    callback = await loopbackCallback();
    sys = await startTestSystem({
      logger: logs.logger,
      env: (ports) => ({
        ROLES: 'auth,api,mcp',
        APIS_FILE: weatherApisFile(ports, { scopes: ['weatherget', 'api'] }, [
          {
            name: 'notes',
            resource: notes.url,
            scopes: [NOTES_SCOPE],
            openapi: `${notes.url}/openapi.json`,
            baseUrl: notes.url,
            auth: { provider: PROVIDER, scopes: [NOTES_SCOPE, 'offline_access'] },
          },
        ]),
      }),
    });
    upstream = await startThirdPartyAs({
      redirectUri: `${sys.urls.issuer}/account/connect-callback`,
      resource: notes.url,
      scope: NOTES_SCOPE,
      accountId: 'notes-user-7',
      // Shorter than the vault's refresh margin: every call refreshes at the third party.
      accessTokenTtl: 30,
    });
    notes.as = upstream;
    const store = new SqliteAuthStore(sys.env.SQLITE_PATH!);
    try {
      await store.federation.putUpstream(
        PROVIDER,
        JSON.stringify({
          slug: PROVIDER,
          displayName: 'Notes Co',
          issuer: upstream.issuer,
          clientId: upstream.clientId,
          clientSecret: upstream.clientSecret,
        }),
      );
    } finally {
      await store.close();
    }
    provider = new HeadlessOAuthProvider({ redirectUrl: callback.url });
    ({ client, transport } = await connectSignedIn(`${sys.urls.mcp}/mcp`, provider, {
      name: 'connected-accounts-e2e',
      version: '1.0.0',
    }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await sys?.close();
    await upstream?.close();
    await callback?.close();
    await notes.stop();
  });

  let connectUrl = '';

  it('answers a tool call with a link to connect while the user has no account there', async () => {
    connectUrl = connectUrlOf(await call());
    expect(notes.seen).toEqual([]);
  }, 30_000);

  it('connects through the third party in the same browser session, then calls its API', async () => {
    const browser = provider.browser;
    const consent = await browser.navigate(connectUrl, sys.urls.issuer + '/never');
    expect(consent.url.startsWith(`${upstream.issuer}/interaction/`)).toBe(true);
    const html = await consent.response!.text();
    const back = await browser.submit(consent.url, html, { action: 'allow' }, '/never');
    expect(back.url).toBe(`${sys.urls.issuer}/account?connected=1`);
    expect(back.response?.status).toBe(200);

    const result = await call();
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      notes: [
        { id: 1, text: "Welcome, notes-user-7: this note came from the dev IdP's notes API" },
        { id: 2, text: 'Buy milk' },
      ],
    });
    // The API was sent the third party's own token, for itself: not one of ours.
    const [seen] = notes.seen;
    expect(seen).toMatchObject({
      active: true,
      iss: upstream.issuer,
      aud: notes.url,
      client_id: upstream.clientId,
      sub: 'notes-user-7',
    });
    expect(seen!.raw.split('.')).toHaveLength(1);
    // RFC 6749 §6 with the stored refresh token: the call did not wait for the user.
    expect(upstream.refreshes).toBe(1);
    expect(audited('connection.connected')).toEqual([
      expect.objectContaining({ subject: '818727', provider: PROVIDER }),
    ]);
  }, 60_000);

  it('answers a forged or unknown connect request with a page, never a token or a 500', async () => {
    const browser = provider.browser;
    const issuer = sys.urls.issuer;
    const statuses = await Promise.all(
      [
        `${issuer}/account/connect/not-configured`,
        `${issuer}/account/connect/${'%00'.repeat(50)}`,
        `${issuer}/account/connect-callback?state=forged&code=x&iss=${encodeURIComponent(upstream.issuer)}`,
        `${issuer}/account/connect-callback?state=${'s'.repeat(5000)}&code=x`,
        `${issuer}/account/connect-callback`,
      ].map(async (url) => (await browser.request(url)).status),
    );
    expect(statuses).toEqual([404, 404, 400, 400, 400]);
  });

  it('keeps the third party tokens sealed at rest', () => {
    const db = new Database(sys.env.SQLITE_PATH, { readonly: true });
    try {
      const rows = db
        .prepare<[], { provider: string; scopes: string }>('SELECT * FROM connected_accounts')
        .all();
      expect(rows).toHaveLength(1);
      const raw = JSON.stringify(rows);
      expect(raw).not.toContain(notes.seen[0]!.raw);
      expect(raw).not.toMatch(/accessToken|refreshToken/);
      expect(rows[0]!.provider).toBe(PROVIDER);
      expect(rows[0]!.scopes.split(' ')).toContain(NOTES_SCOPE);
    } finally {
      db.close();
    }
  });

  it('disconnects at /account: revoked at the third party, and the tool asks to connect again', async () => {
    const browser = provider.browser;
    const page = await browser.request(`${sys.urls.issuer}/account`);
    const html = await page.text();
    const form = /<form[^>]*action="([^"]*disconnect)"[\s\S]*?<\/form>/.exec(html);
    expect(form).not.toBeNull();
    const csrf = /name="csrf" value="([^"]*)"/.exec(form![0])![1]!;
    const done = await browser.request(new URL(form![1]!, sys.urls.issuer).href, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(sys.urls.issuer).origin,
      },
      body: new URLSearchParams({ csrf, provider: PROVIDER }).toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/disconnected=1/);

    expect(upstream.revocations.map((r) => r.hint).sort()).toEqual([
      'access_token',
      'refresh_token',
    ]);
    expect((await notes.introspect(notes.seen[0]!.raw)).active).toBe(false);
    expect(connectUrlOf(await call())).toBe(connectUrl);
    expect(audited('connection.disconnected')).toEqual([
      expect.objectContaining({ subject: '818727', provider: PROVIDER }),
    ]);
    expect(logs.text()).not.toContain(notes.seen[0]!.raw);
  }, 30_000);
});
