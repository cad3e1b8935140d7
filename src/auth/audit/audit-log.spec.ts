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

/** A JWT (header.payload.signature) or a long unbroken base64url string, as opaque tokens are. */
function looksLikeToken(value: string): boolean {
  return /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(value) || /^[\w-]{32,}$/.test(value);
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

describe('workload, ID-JAG and connected-account events', () => {
  it('hold who, which client and what was granted, and nothing that looks like a token', () => {
    const { logger, records } = capturingLogger();
    const audit = new AuditLog(logger);
    const grant = { resource: 'http://localhost:5100/mcp', scopes: ['weatherget'] };

    audit.workloadTokenIssued({
      issuer: 'https://kubernetes.default.svc',
      subject: 'system:serviceaccount:agents:weather-bot',
      clientId: 'k8s-agents',
      ...grant,
    });
    audit.workloadAssertionRefused({
      issuer: 'https://kubernetes.default.svc',
      reason: 'replayed',
    });
    audit.workloadAssertionRefused({ reason: 'untrusted_issuer' });
    audit.idJagIssued({
      subject: '818727',
      audience: 'https://as.b.example',
      clientId: 'mcpclient',
    });
    audit.idJagAccepted({
      issuer: 'https://idp.a.example',
      upstreamSubject: '00u1a2b3c4',
      subject: '818727',
      clientId: 'xaa-client',
      ...grant,
    });
    audit.connectionConnected({ subject: '818727', provider: 'notes' });
    audit.connectionDisconnected({ subject: '818727', provider: 'notes' });
    audit.connectionRefreshRefused({ subject: '818727', provider: 'notes' });

    expect(records().map((r) => [r.event, r.level])).toEqual([
      ['workload.token_issued', 30],
      ['workload.assertion_refused', 40],
      ['workload.assertion_refused', 40],
      ['id_jag.issued', 30],
      ['id_jag.accepted', 30],
      ['connection.connected', 30],
      ['connection.disconnected', 30],
      ['connection.refresh_refused', 40],
    ]);
    expect(records()[2]).not.toHaveProperty('issuer');
    const values = records().flatMap(({ time: _time, pid: _pid, hostname: _host, ...fields }) =>
      stringsIn(fields),
    );
    expect(values.filter(looksLikeToken)).toEqual([]);
  });

  it('the token check itself catches a JWT and an opaque token', () => {
    expect(looksLikeToken('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')).toBe(true);
    expect(looksLikeToken('Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0')).toBe(true);
    expect(looksLikeToken('system:serviceaccount:agents:weather-bot')).toBe(false);
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
