import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { captureLogs, type CapturedLogs } from '../../../test/support/captured-logs';
import { SqliteAuthStore } from '../../storage/sqlite/sqlite.store';
import { AuditLog } from '../audit/audit-log';
import { UpstreamDirectory } from '../federation/upstream-directory';
import type { UpstreamIdp } from '../federation/upstream-idp';
import { ConnectClient, type UpstreamTokens } from './connect-client';
import { ConnectedAccounts } from './connected-accounts';
import { ConnectionError } from './connection.error';
import { EnvelopeKeys } from './envelope';

/** The upstream side, scripted: what a refresh answers, and which revocations were asked. */
class ScriptedClient extends ConnectClient {
  refreshAnswer: () => Promise<UpstreamTokens> = () => Promise.reject(new Error('unexpected'));
  readonly refreshed: string[] = [];
  readonly revoked: [string, string][] = [];

  constructor() {
    super(() => Promise.reject(new Error('no network in unit tests')), 'http://as.test/cb', 10);
  }

  override refresh(_idp: UpstreamIdp, refreshToken: string): Promise<UpstreamTokens> {
    this.refreshed.push(refreshToken);
    return this.refreshAnswer();
  }

  override revoke(_idp: UpstreamIdp, token: string, hint: 'refresh_token' | 'access_token') {
    this.revoked.push([token, hint]);
    return Promise.resolve(true);
  }
}

const tokens = (over: Partial<UpstreamTokens> = {}): UpstreamTokens => ({
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  expiresAt: Date.now() + 3_600_000,
  scope: 'notes:read',
  ...over,
});

describe('ConnectedAccounts', () => {
  let dir: string;
  let store: SqliteAuthStore;
  let client: ScriptedClient;
  let vault: ConnectedAccounts;
  let logs: CapturedLogs;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    store = new SqliteAuthStore(join(dir, 'auth.sqlite'));
    await store.federation.putUpstream(
      'notes',
      JSON.stringify({
        slug: 'notes',
        displayName: 'Notes Co',
        issuer: 'https://notes.example',
        clientId: 'us',
        clientSecret: 'secret',
      }),
    );
    client = new ScriptedClient();
    logs = captureLogs();
    const audit = new AuditLog(logs.logger);
    vault = new ConnectedAccounts(
      store.connections,
      EnvelopeKeys.development(),
      new UpstreamDirectory(store.federation, pino({ level: 'silent' })),
      client,
      (who) => audit.connectionRefreshRefused(who),
    );
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands out a stored token that is not near expiry without asking the upstream', async () => {
    await vault.save('u1', 'notes', tokens());
    expect((await vault.accessToken('u1', 'notes')).accessToken).toBe('at-1');
    expect(client.refreshed).toEqual([]);
  });

  it('refreshes a token about to expire and stores the new one sealed', async () => {
    await vault.save('u1', 'notes', tokens({ expiresAt: Date.now() + 10_000 }));
    client.refreshAnswer = () =>
      Promise.resolve(tokens({ accessToken: 'at-2', refreshToken: 'rt-2' }));
    expect((await vault.accessToken('u1', 'notes')).accessToken).toBe('at-2');
    expect(client.refreshed).toEqual(['rt-1']);
    // The next call uses what the refresh stored, and the row never holds it in clear.
    expect((await vault.accessToken('u1', 'notes')).accessToken).toBe('at-2');
    expect(client.refreshed).toHaveLength(1);
    const row = await store.connections.findConnection('u1', 'notes');
    expect(row?.sealed).not.toContain('at-2');
  });

  it('removes the connection when the upstream refuses the refresh (RFC 6749 §5.2)', async () => {
    await vault.save('u1', 'notes', tokens({ expiresAt: Date.now() - 1 }));
    client.refreshAnswer = () =>
      Promise.reject(new ConnectionError('upstream_refused', 'invalid_grant'));
    await expect(vault.accessToken('u1', 'notes')).rejects.toMatchObject({ code: 'not_connected' });
    expect(await store.connections.findConnection('u1', 'notes')).toBeUndefined();
    expect(logs.named('audit')).toEqual([
      expect.objectContaining({
        event: 'connection.refresh_refused',
        subject: 'u1',
        provider: 'notes',
      }),
    ]);
    expect(logs.text()).not.toContain('rt-1');
  });

  it('keeps the connection when the upstream is only unreachable', async () => {
    await vault.save('u1', 'notes', tokens({ expiresAt: Date.now() - 1 }));
    client.refreshAnswer = () =>
      Promise.reject(new ConnectionError('upstream_unavailable', 'timeout'));
    await expect(vault.accessToken('u1', 'notes')).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    expect(await store.connections.findConnection('u1', 'notes')).toBeDefined();
  });

  it('asks to connect again for an expired token without a refresh token', async () => {
    await vault.save('u1', 'notes', tokens({ refreshToken: undefined, expiresAt: Date.now() }));
    await expect(vault.accessToken('u1', 'notes')).rejects.toMatchObject({ code: 'not_connected' });
    expect(client.refreshed).toEqual([]);
  });

  it('disconnects: removes the row, then revokes both tokens upstream (RFC 7009)', async () => {
    await vault.save('u1', 'notes', tokens());
    await vault.save('u2', 'notes', tokens({ accessToken: 'other' }));
    expect(await vault.disconnect('u1', 'notes')).toBe(true);
    expect(client.revoked).toEqual([
      ['rt-1', 'refresh_token'],
      ['at-1', 'access_token'],
    ]);
    await expect(vault.accessToken('u1', 'notes')).rejects.toMatchObject({ code: 'not_connected' });
    expect((await vault.accessToken('u2', 'notes')).accessToken).toBe('other');
    expect(await vault.disconnect('u1', 'notes')).toBe(false);
    expect(client.revoked).toHaveLength(2);
  });

  it('refuses a row sealed for another user (AAD), as if there were none', async () => {
    await vault.save('u1', 'notes', tokens());
    const row = await store.connections.findConnection('u1', 'notes');
    await store.connections.putConnection({
      userSub: 'u2',
      provider: 'notes',
      sealed: row!.sealed,
      scopes: row!.scopes,
    });
    await expect(vault.accessToken('u2', 'notes')).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('lists connections by display name, never with a token', async () => {
    await vault.save('u1', 'notes', tokens());
    const [view] = await vault.list('u1');
    expect(view).toMatchObject({
      provider: 'notes',
      displayName: 'Notes Co',
      scopes: ['notes:read'],
    });
    expect(JSON.stringify(view)).not.toMatch(/at-1|rt-1/);
  });
});
