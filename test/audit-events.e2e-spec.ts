import { captureLogs } from './support/captured-logs';
import { codeFlow, openLoginPage } from './support/flows';
import { postMcp, toolCall } from './support/mcp';
import { startTestSystem, TestSystem } from './support/system';

/**
 * The audit log (logger `audit`) over the whole system: a dynamic registration, a token
 * exchange behind an MCP tool call and a revoked grant each leave one structured line, and no
 * line carries a token.
 */
describe('audit events beyond the sign-in pages', () => {
  let sys: TestSystem;
  const logs = captureLogs();

  beforeAll(async () => {
    sys = await startTestSystem({ logger: logs.logger });
  });
  afterAll(() => sys?.close());

  it('records registration, exchange and revocation, without tokens', async () => {
    const registration = await fetch(`${sys.urls.issuer}/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Audit Probe',
        redirect_uris: ['http://127.0.0.1:4199/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(registration.status).toBe(201);
    const { client_id: registered } = (await registration.json()) as { client_id: string };

    const tokens = await codeFlow(sys, {
      resources: [`${sys.urls.mcp}/mcp`],
      scope: 'openid weatherget offline_access',
    });
    const call = await postMcp(sys, toolCall('get-weather-forecast'), {
      authorization: `Bearer ${tokens.access_token}`,
    });
    expect(call.status).toBe(200);
    await call.text();

    const revoked = await fetch(`${sys.urls.issuer}/connect/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.refresh_token!,
        token_type_hint: 'refresh_token',
        client_id: 'interactive',
      }).toString(),
    });
    expect(revoked.status).toBe(200);

    const audit = logs.named('audit');
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'client.registered',
          clientId: registered,
          clientName: 'Audit Probe',
          redirectHosts: ['127.0.0.1:4199'],
        }),
        expect.objectContaining({
          event: 'token.exchanged',
          clientId: 'mcp.server',
          subject: '818727',
          audience: sys.urls.api,
          scopes: ['weatherget'],
        }),
        expect.objectContaining({ event: 'token.revoked', kind: 'grant' }),
      ]),
    );
    const text = JSON.stringify(audit);
    for (const secret of [tokens.access_token, tokens.refresh_token!, tokens.id_token!]) {
      expect(text).not.toContain(secret);
    }
  });

  it("records a disabled user's sign-in as disabled; the page says what it says to anyone", async () => {
    await sys.system.store!.accounts.setUserDisabled('bob', Date.now());
    const answers: { status: number; error: string }[] = [];
    for (const password of ['bob', 'not-bobs-password']) {
      const { browser, url, html } = await openLoginPage(sys);
      const { response } = await browser.submit(
        url,
        html,
        { username: 'bob', password, action: 'login' },
        sys.urls.spa,
      );
      const page = await response!.text();
      answers.push({
        status: response!.status,
        error: /role="alert">([^<]*)</.exec(page)?.[1] ?? '',
      });
    }

    expect(answers).toEqual([
      { status: 401, error: 'Wrong username or password.' },
      { status: 401, error: 'Wrong username or password.' },
    ]);
    const failures = logs
      .named('audit')
      .filter((line) => line.event === 'sign_in.failed' && line.username === 'bob');
    expect(failures.map((line) => line.reason)).toEqual(['disabled', 'wrong_credentials']);
  });
});
