import Database from 'better-sqlite3';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type CallToolResult,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema as ElicitRequestSchemaV1 } from '@modelcontextprotocol/sdk/types.js';
import { SqliteAuthStore } from '../src/storage/sqlite/sqlite.store';
import { weatherApisFile } from './support/apis-file';
import { connectSignedIn, HeadlessOAuthProvider, loopbackCallback } from './support/mcp-oauth';
import { NOTES_SCOPE, NotesApi } from './support/notes-api';
import { captureLogs } from './support/captured-logs';
import { startTestSystem, type TestSystem } from './support/system';
import { startThirdPartyAs, type ThirdPartyAs } from './support/third-party-as';
import { TestBrowser } from './support/browser';
import { proves } from './support/proves';

const PROVIDER = 'notes-co';

/** One tools/call on the wire: what the client sent and the server's answer, as JSON. */
interface Exchange {
  readonly sent: { params?: Record<string, unknown> };
  readonly answer: { result?: Record<string, unknown>; error?: unknown };
}

/** A fetch that keeps every JSON tools/call exchange (the 2026-07-28 answers are plain JSON). */
function recordingBodies(wire: Exchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const sent = request.method === 'POST' ? await request.clone().text() : '';
    const response = await fetch(request);
    const json = (response.headers.get('content-type') ?? '').includes('application/json');
    if (sent.includes('"tools/call"') && json) {
      wire.push({
        sent: JSON.parse(sent) as Exchange['sent'],
        answer: (await response.clone().json()) as Exchange['answer'],
      });
    }
    return response;
  };
}
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

  /** What the user does when a client shows them a URL elicitation. */
  type User = (request: ElicitRequest['params']) => Promise<ElicitResult['action']>;
  const URL_ELICITATION = { elicitation: { url: {} } };
  /**
   * The official v2 client on `mode`'s protocol era, signed in as the same user; with `user`,
   * it declares URL-mode elicitation and shows every elicitation to that user.
   */
  const v2Client = async (
    mode: 'auto' | 'legacy',
    user?: User,
  ): Promise<{ client: Client; shown: ElicitRequest['params'][]; wire: Exchange[] }> => {
    const shown: ElicitRequest['params'][] = [];
    const wire: Exchange[] = [];
    const opened = new Client(
      { name: 'connected-accounts-elicitation-e2e', version: '1.0.0' },
      { ...(user ? { capabilities: URL_ELICITATION } : {}), versionNegotiation: { mode } },
    );
    if (user) {
      opened.setRequestHandler('elicitation/create', async (request) => {
        shown.push(request.params);
        return { action: await user(request.params) };
      });
    }
    await opened.connect(
      new StreamableHTTPClientTransport(new URL(`${sys.urls.mcp}/mcp`), {
        authProvider: provider,
        fetch: recordingBodies(wire),
      }),
    );
    return { client: opened, shown, wire };
  };
  /** The user opens the page in the browser where they are signed in, and allows at the third party. */
  const connectInBrowser = async (url: string): Promise<void> => {
    const browser = provider.browser;
    const consent = await browser.navigate(url, sys.urls.issuer + '/never');
    expect(consent.url.startsWith(`${upstream.issuer}/interaction/`)).toBe(true);
    const html = await consent.response!.text();
    const back = await browser.submit(consent.url, html, { action: 'allow' }, '/never');
    expect(back.url).toBe(`${sys.urls.issuer}/account?connected=1`);
    expect(back.response?.status).toBe(200);
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
    // These clients declare no elicitation, on either era: they are never asked for one.
    proves(
      'mcp-auth-2025-11-25/mcp-server/elicitation-declared-modes',
      'mcp-auth-2026-07-28/mcp-server/elicitation-declared-modes',
    );
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    connectUrl = connectUrlOf(await call());
    const modern = await v2Client('auto');
    try {
      expect(modern.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(connectUrlOf(await modern.client.callTool({ name: TOOL, arguments: {} }))).toBe(
        connectUrl,
      );
    } finally {
      await modern.client.close();
    }
    expect(notes.seen).toEqual([]);
  }, 30_000);

  it('connects through the third party in the same browser session, then calls its API', async () => {
    await connectInBrowser(connectUrl);

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
    proves('mcp-auth-2026-07-28/mcp-server/url-elicitation-third-party');
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

  it('sends whoever opens the connect page without a session here to sign in, never to the third party', async () => {
    proves('mcp-auth-2026-07-28/mcp-server/url-elicitation-verify-user');
    // MCP elicitation, "Phishing": a forwarded link must not let someone else finish the flow
    // for the caller. The page connects the account of the user signed in here, and only them.
    const stranger = new TestBrowser();
    const answer = await stranger.request(connectUrl);
    expect(answer.status).toBeGreaterThanOrEqual(300);
    expect(answer.status).toBeLessThan(400);
    const location = new URL(answer.headers.get('location')!, sys.urls.issuer);
    expect(location.origin).toBe(new URL(sys.urls.issuer).origin);
    expect(location.href.startsWith(upstream.issuer)).toBe(false);
    expect(location.pathname).not.toContain('/account/connect');
  });

  it('2025-era clients that declare URL elicitation still get the link: this stateless endpoint cannot see their capabilities', async () => {
    proves('mcp-auth-2025-11-25/mcp-server/elicitation-declared-modes');
    const v2 = await v2Client('legacy', () => Promise.resolve('accept'));
    const v1 = new ClientV1(
      { name: 'connected-accounts-elicitation-e2e', version: '1.0.0' },
      { capabilities: URL_ELICITATION },
    );
    const shownV1: unknown[] = [];
    v1.setRequestHandler(ElicitRequestSchemaV1, (request) => {
      shownV1.push(request.params);
      return { action: 'decline' };
    });
    await v1.connect(new TransportV1(new URL(`${sys.urls.mcp}/mcp`), { authProvider: provider }));
    try {
      expect(v2.client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      expect(connectUrlOf(await v2.client.callTool({ name: TOOL, arguments: {} }))).toBe(
        connectUrl,
      );
      const answer = (await v1.callTool({ name: TOOL, arguments: {} })) as CallToolResult;
      expect(connectUrlOf(answer)).toBe(connectUrl);
      expect(v2.shown).toEqual([]);
      expect(shownV1).toEqual([]);
    } finally {
      await v2.client.close();
      await v1.close();
    }
  }, 30_000);

  it('2026-07-28: a client that declares URL elicitation is asked once; a decline ends in the link', async () => {
    const { client: eliciting, shown } = await v2Client('auto', () => Promise.resolve('decline'));
    try {
      expect(eliciting.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const answer = await eliciting.callTool({ name: TOOL, arguments: {} });
      expect(shown).toHaveLength(1);
      expect(connectUrlOf(answer)).toBe(connectUrl);
    } finally {
      await eliciting.close();
    }
  }, 30_000);

  it('2026-07-28: the URL elicitation names our connect page; the user connects there and the retried call succeeds', async () => {
    proves(
      'mcp-auth-2026-07-28/mcp-server/url-elicitation-third-party',
      'mcp-auth-2026-07-28/mcp-server/url-elicitation-safe-url',
    );
    const seenBefore = notes.seen.length;
    const {
      client: eliciting,
      shown,
      wire,
    } = await v2Client('auto', async (request) => {
      // The client shows the full URL and opens it only with consent (MCP elicitation,
      // "Safe URL Handling"); the user then connects in their own browser.
      if (request.mode !== 'url') return 'decline';
      await connectInBrowser(request.url);
      return 'accept';
    });
    try {
      const result = await eliciting.callTool({ name: TOOL, arguments: {} });
      expect(shown).toEqual([
        expect.objectContaining({
          mode: 'url',
          url: `${sys.urls.issuer}/account/connect/${PROVIDER}`,
          message: expect.stringContaining(PROVIDER) as unknown,
        }),
      ]);
      // Only a link to our own issuer: no token, nothing pre-authenticated.
      expect(JSON.stringify(shown)).not.toMatch(/token|code=|state=/i);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        notes: [
          { id: 1, text: "Welcome, notes-user-7: this note came from the dev IdP's notes API" },
          { id: 2, text: 'Buy milk' },
        ],
      });
      expect(notes.seen).toHaveLength(seenBefore + 1);
      expect(audited('connection.connected')).toHaveLength(2);
      // On the wire (MCP 2026-07-28, "basic/patterns/mrtr"): an InputRequiredResult with one
      // embedded elicitation/create, then the retry on a new request carrying the user's answer.
      expect(wire.map((e) => e.answer.result?.resultType ?? 'complete')).toEqual([
        'input_required',
        'complete',
      ]);
      expect(wire[0]!.answer.result?.inputRequests).toEqual({
        connect: { method: 'elicitation/create', params: shown[0] },
      });
      expect(wire[1]!.sent.params?.inputResponses).toEqual({ connect: { action: 'accept' } });
    } finally {
      await eliciting.close();
    }
  }, 60_000);
});
