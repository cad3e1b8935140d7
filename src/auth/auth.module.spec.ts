import { Test, type TestingModule } from '@nestjs/testing';
import type { Provider } from 'oidc-provider';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { Lifecycle } from '../core/lifecycle';
import { Metrics } from '../core/metrics/metrics';
import { Readiness } from '../core/readiness';
import type { RoleContext } from '../core/role-context';
import { SqliteAuthStore } from '../storage/sqlite/sqlite.store';
import type { AuthStore } from '../storage/store';
import { AuthModule } from './auth.module';
import { COOKIE_KEYS, OIDC_PROVIDER } from './auth.tokens';
import { CsrfTokens } from './pages/csrf';
import { UserDirectory } from './users/users';

describe('AuthModule as the composition root', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  type Line = { msg: string; users?: number };
  const lines: Line[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  const readiness = new Readiness(pino({ level: 'silent' }));
  const context: RoleContext = {
    role: 'auth',
    shared: config.shared,
    trustProxy: false,
    logger,
    lifecycle: new Lifecycle(),
    metrics: new Metrics(),
    readiness,
  };
  let store: AuthStore;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    store = new SqliteAuthStore(':memory:');
    moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(context, { config: config.auth, store, fetch })],
    }).compile();
  });
  afterAll(async () => {
    await moduleRef?.close();
    await store?.close();
  });

  it('seeds the development users before the directory is handed out, and says so', async () => {
    expect(await moduleRef.get(UserDirectory).countUsable()).toBe(2);
    expect(lines.filter((line) => line.msg === 'users loaded')).toEqual([
      expect.objectContaining({ users: 2 }),
    ]);
  });

  it('registers the signing-key readiness check once, with an active key held', async () => {
    expect(await readiness.run()).toEqual({ signing_keys: { ok: true } });
  });

  it('keys the CSRF tokens with the newest stored cookie key', async () => {
    const [newest] = moduleRef.get<string[]>(COOKIE_KEYS);
    expect(await store.getSecret('oidc.cookie-keys')).toContain(newest);
    const token = moduleRef.get(CsrfTokens).issue('uid-1');
    expect(new CsrfTokens(newest!).verify('uid-1', token)).toBe(true);
  });

  it('builds oidc-provider for the configured issuer', () => {
    expect(moduleRef.get<Provider>(OIDC_PROVIDER).issuer).toBe(config.shared.issuer);
  });
});
