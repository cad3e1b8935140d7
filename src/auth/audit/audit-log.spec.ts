import pino from 'pino';
import { SqliteAuthStore } from '../../storage/sqlite/sqlite.store';
import { LoginThrottle } from '../pages/interaction/login-throttle';
import { SignIn } from '../pages/interaction/sign-in';
import { seedUsers } from '../users/seed-users';
import { UserDirectory } from '../users/users';
import { AuditLog } from './audit-log';
import { Metrics } from '../../core/metrics/metrics';
import { parsePrometheusText, sampleSum } from '../../../test/support/prometheus-text';

/** A pino logger whose JSON lines land in an array, as a log shipper would read them. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

const WRONG_PASSWORD = 'wrong-secret-guess';

describe('AuditLog', () => {
  it('writes one JSON line per event on a logger named audit', () => {
    const { logger, records } = capturingLogger();
    const audit = new AuditLog(logger.child({ role: 'auth' }));

    audit.consentGranted({
      subject: '818727',
      clientId: 'interactive',
      grantId: 'grant-1',
      scopes: ['openid', 'weatherget'],
      resources: ['http://localhost:5000'],
    });
    audit.consentDenied({ subject: '818727', clientId: 'abc' });
    audit.clientRegistered({
      clientId: 'abc',
      clientName: 'Weather SPA',
      redirectHosts: ['evil.example'],
      grantTypes: ['authorization_code'],
    });
    audit.tokenExchanged({
      clientId: 'mcp.server',
      subject: '818727',
      audience: 'http://localhost:5000',
      scopes: ['weatherget'],
    });
    audit.tokenRevoked({ clientId: 'interactive', kind: 'grant', grantId: 'grant-1' });
    audit.signingKeyUsed({ kid: 'key-1', purpose: 'rotate' });

    expect(records()).toEqual([
      expect.objectContaining({
        name: 'audit',
        role: 'auth',
        event: 'consent.granted',
        msg: 'consent.granted',
        scopes: ['openid', 'weatherget'],
        resources: ['http://localhost:5000'],
      }),
      expect.objectContaining({ name: 'audit', event: 'consent.denied', clientId: 'abc' }),
      expect.objectContaining({ event: 'client.registered', redirectHosts: ['evil.example'] }),
      expect.objectContaining({ event: 'token.exchanged', audience: 'http://localhost:5000' }),
      expect.objectContaining({ event: 'token.revoked', kind: 'grant' }),
      expect.objectContaining({ event: 'signing_key.used', kid: 'key-1' }),
    ]);
  });
});

describe('sign-in audit events', () => {
  let store: SqliteAuthStore;
  let users: UserDirectory;
  beforeEach(async () => {
    store = new SqliteAuthStore(':memory:');
    await seedUsers(store.accounts, { devUsers: true });
    users = new UserDirectory(store.accounts, { devUsers: true });
  });
  afterEach(() => store.close());
  afterEach(() => jest.restoreAllMocks());

  function signIn() {
    const capture = capturingLogger();
    const throttle = new LoginThrottle(store, {
      attempts: 2,
      accountAttempts: 20,
      windowSeconds: 600,
    });
    const metrics = new Metrics();
    const signIn = new SignIn(users, throttle, new AuditLog(capture.logger), metrics);
    const signIns = async (outcome: string) =>
      sampleSum(parsePrometheusText(await metrics.registry.metrics()), 'auth_sign_ins_total', {
        outcome,
      });
    return { ...capture, signIn, signIns };
  }
  const who = { username: 'alice', clientId: 'interactive', address: '10.0.0.7' };

  it('records failures, the lockout and the throttled attempt, without the passwords', async () => {
    // The lockout's retry-after counts from the first failure; a clock that moves on while a
    // loaded machine takes over a second for one scrypt would make it 599.
    jest.spyOn(Date, 'now').mockReturnValue(Date.now());
    const { signIn: attempt, records, lines, signIns } = signIn();

    expect((await attempt.attempt(who, WRONG_PASSWORD)).kind).toBe('wrong_credentials');
    expect((await attempt.attempt(who, WRONG_PASSWORD)).kind).toBe('wrong_credentials');
    expect((await attempt.attempt(who, 'alice')).kind).toBe('throttled');
    expect(await signIns('wrong_credentials')).toBe(2);
    expect(await signIns('throttled')).toBe(1);
    expect(await signIns('success')).toBe(0);

    expect(records().map((r) => [r.event, r.reason])).toEqual([
      ['sign_in.failed', 'wrong_credentials'],
      ['sign_in.failed', 'wrong_credentials'],
      ['sign_in.locked_out', undefined],
      ['sign_in.failed', 'throttled'],
    ]);
    expect(records()[2]).toMatchObject({ ...who, retryAfterSeconds: 600, level: 40 });
    for (const line of lines) {
      expect(line).not.toContain(WRONG_PASSWORD);
      expect(line).not.toContain('"password"');
    }
  });

  it("records a disabled user's sign-in as disabled, and answers it as a wrong password", async () => {
    const { signIn: attempt, records } = signIn();
    await store.accounts.setUserDisabled('alice', Date.now());

    expect(await attempt.attempt(who, 'alice')).toEqual({ kind: 'wrong_credentials' });
    expect(await attempt.attempt(who, WRONG_PASSWORD)).toEqual({ kind: 'wrong_credentials' });
    expect(records().map((r) => [r.event, r.reason])).toEqual([
      ['sign_in.failed', 'disabled'],
      ['sign_in.failed', 'wrong_credentials'],
      ['sign_in.locked_out', undefined],
    ]);
  });

  it('records a success with the subject, and no password', async () => {
    const { signIn: attempt, records, lines } = signIn();
    const devPassword = 'alice';

    expect(await attempt.attempt(who, devPassword)).toEqual({
      kind: 'signed_in',
      subject: '818727',
    });
    expect(records()).toEqual([
      expect.objectContaining({
        name: 'audit',
        event: 'sign_in.succeeded',
        ...who,
        subject: '818727',
      }),
    ]);
    expect(Object.keys(records()[0]!).sort()).toEqual(
      [
        'address',
        'clientId',
        'event',
        'hostname',
        'level',
        'msg',
        'name',
        'pid',
        'subject',
        'time',
        'username',
      ].sort(),
    );
    expect(lines.join('')).not.toContain('password');
  });
});
