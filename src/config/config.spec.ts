import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { StartupError } from './startup-error';
import { ConfigError, loadConfig } from './config';
import { configProblems } from '../../test/support/config-problems';
import { PRODUCTION_ENV } from '../../test/support/production-env';

describe('loadConfig', () => {
  describe('defaults', () => {
    const config = loadConfig({});

    it('are the contract URLs and the resource identifiers derived from them', () => {
      expect(config.shared).toMatchObject({
        issuer: 'http://localhost:5001',
        apiBaseUrl: 'http://localhost:5000',
        mcpBaseUrl: 'http://localhost:8010',
        spaUrl: 'http://localhost:5173',
        apiResource: 'http://localhost:5000',
        mcpResource: 'http://localhost:8010/mcp',
      });
    });

    it('are the contract ports, every role, and a loopback bind address', () => {
      expect(config.http.ports).toEqual({ auth: 5001, api: 5000, mcp: 8010, spa: 5173 });
      expect([...config.roles].sort()).toEqual(['api', 'auth', 'mcp', 'spa']);
      expect(config.http.host).toBe('127.0.0.1');
    });

    it('are development mode with the development users and the seed secrets', () => {
      expect(config.shared.production).toBe(false);
      expect(config.auth.devUsers).toBe(true);
      expect(config.auth.clientSecrets).toMatchObject({
        mcpclient: 'mcpclient_secret',
        m2m: '511536EF-F270-4058-80CA-1C89C192F69A',
      });
      expect(config.auth.cookieKeys).toBeUndefined();
    });

    it('store in an embedded SQLite file and allow the SPA origin', () => {
      expect(config.storage).toEqual({ kind: 'sqlite', path: resolve('data/auth.sqlite') });
      expect(config.api.corsOrigins).toEqual(['http://localhost:5173']);
      expect(config.auth.accessTokenTtlSeconds).toBe(300);
    });
  });

  it('strips trailing slashes, so the issuer and the audiences compare byte for byte', () => {
    const config = loadConfig({
      ISSUER_URL: 'https://auth.example.com/',
      API_BASE_URL: 'https://api.example.com//',
      MCP_BASE_URL: 'https://mcp.example.com/',
      SPA_URL: 'https://app.example.com/',
    });

    expect(config.shared.issuer).toBe('https://auth.example.com');
    expect(config.shared.apiResource).toBe('https://api.example.com');
    expect(config.shared.mcpResource).toBe('https://mcp.example.com/mcp');
    expect(config.api.corsOrigins).toEqual(['https://app.example.com']);
    expect(config.mcp.corsOrigins).toEqual(['https://app.example.com']);
  });

  it('takes a port from its URL unless the port variable says otherwise', () => {
    const config = loadConfig({ ISSUER_URL: 'http://localhost:7001', API_PORT: '0' });

    expect(config.http.ports.auth).toBe(7001);
    expect(config.http.ports.api).toBe(0);
  });

  it('runs any subset of roles, case- and space-insensitively', () => {
    expect([...loadConfig({ ROLES: 'api, MCP' }).roles].sort()).toEqual(['api', 'mcp']);
  });

  it('logs JSON unless asked otherwise, and never pretty in production', () => {
    expect(loadConfig({}).logging.format).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logging.format).toBe('json');
    expect(configProblems({ LOG_FORMAT: 'fancy' })).toEqual([
      'LOG_FORMAT must be one of auto, json, pretty, got fancy',
    ]);
    expect(
      configProblems({
        NODE_ENV: 'production',
        LOG_FORMAT: 'pretty',
        MCPCLIENT_SECRET: 'a',
        M2M_CLIENT_SECRET: 'b',
        MCP_SERVER_CLIENT_SECRET: 'c',
        COOKIE_KEYS: 'k'.repeat(32),
      }),
    ).toEqual([
      'LOG_FORMAT must not be pretty in production: pino-pretty is a development dependency',
    ]);
  });

  it('ignores empty entries such as a trailing comma', () => {
    expect([...loadConfig({ ROLES: 'auth,api,' }).roles]).toEqual(['auth', 'api']);
    expect(configProblems({ ROLES: ',' })).toEqual(['ROLES selects no role']);
    expect(configProblems({ ROLES: '' })).toEqual([]);
  });

  it('names every unknown role', () => {
    const problems = configProblems({ ROLES: 'auth,admin,web' });

    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"admin"');
    expect(problems[1]).toContain('"web"');
  });

  describe('storage', () => {
    it('is PostgreSQL when DATABASE_URL is set', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/auth' }).storage).toEqual({
        kind: 'postgres',
        url: 'postgres://u:p@db:5432/auth',
        poolSize: 20,
      });
      const sized = { DATABASE_URL: 'postgres://db/auth', DATABASE_POOL_SIZE: '40' };
      expect(loadConfig(sized).storage).toMatchObject({ poolSize: 40 });
      expect(() => loadConfig({ ...sized, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
      expect(loadConfig({ DATABASE_URL: 'postgresql://db/auth' }).storage.kind).toBe('postgres');
    });

    it('is the SQLite file at SQLITE_PATH, made absolute, when DATABASE_URL is unset or blank', () => {
      const config = loadConfig({ DATABASE_URL: '  ', SQLITE_PATH: 'var/state.sqlite' });

      expect(config.storage).toEqual({ kind: 'sqlite', path: resolve('var/state.sqlite') });
      expect(config.storage.kind === 'sqlite' && isAbsolute(config.storage.path)).toBe(true);
    });

    it('refuses a DATABASE_URL of another database', () => {
      expect(configProblems({ DATABASE_URL: 'mysql://db/auth' })).toEqual([
        expect.stringContaining('DATABASE_URL') as string,
      ]);
    });
  });

  describe('in production', () => {
    it('starts with real secrets and keys, without development users, on all interfaces', () => {
      const config = loadConfig(PRODUCTION_ENV);

      expect(config.shared.production).toBe(true);
      expect(config.auth.devUsers).toBe(false);
      expect(config.http.host).toBe('0.0.0.0');
      expect(config.auth.cookieKeys).toEqual(['k'.repeat(32), 'l'.repeat(40)]);
    });

    it('refuses the development secrets and missing cookie keys, all in one error', () => {
      const problems = configProblems({ NODE_ENV: 'production' });

      expect(problems).toHaveLength(4);
      for (const name of [
        'MCPCLIENT_SECRET',
        'M2M_CLIENT_SECRET',
        'MCP_SERVER_CLIENT_SECRET',
        'COOKIE_KEYS',
      ]) {
        expect(problems.some((p) => p.includes(name))).toBe(true);
      }
    });

    it('refuses a secret set explicitly to its development value', () => {
      expect(configProblems({ ...PRODUCTION_ENV, MCPCLIENT_SECRET: 'mcpclient_secret' })).toEqual([
        expect.stringContaining('MCPCLIENT_SECRET') as string,
      ]);
    });

    it('refuses cookie keys shorter than 32 characters', () => {
      expect(configProblems({ ...PRODUCTION_ENV, COOKIE_KEYS: `${'k'.repeat(32)},short` })).toEqual(
        [expect.stringContaining('COOKIE_KEYS') as string],
      );
    });

    it.each(['MCPCLIENT_SECRET', 'M2M_CLIENT_SECRET', 'MCP_SERVER_CLIENT_SECRET'])(
      'refuses %s left at a placeholder, naming it but not echoing the value',
      (name) => {
        const problems = configProblems({ ...PRODUCTION_ENV, [name]: 'Change_Me' });
        expect(problems).toEqual([
          expect.stringMatching(new RegExp(`^${name} must not be a placeholder`)),
        ]);
        expect(problems.join()).not.toContain('Change_Me');
      },
    );

    it('refuses a cookie key that is a placeholder, however long', () => {
      const placeholder = 'change-me-to-at-least-32-random-characters';
      expect(
        configProblems({ ...PRODUCTION_ENV, COOKIE_KEYS: `${'k'.repeat(32)},${placeholder}` }),
      ).toEqual([expect.stringMatching(/^COOKIE_KEYS must not hold a placeholder/)]);
    });

    it('refuses a DATABASE_URL whose password is a placeholder, and accepts one of its own', () => {
      const url = (password: string) => `postgres://app:${password}@db:5432/app`;
      expect(configProblems({ ...PRODUCTION_ENV, DATABASE_URL: url('change-me') })).toEqual([
        expect.stringMatching(/^DATABASE_URL must not hold a placeholder password/),
      ]);
      expect(configProblems({ ...PRODUCTION_ENV, DATABASE_URL: url('CHANGEME') })).toHaveLength(1);
      expect(
        configProblems({ ...PRODUCTION_ENV, DATABASE_URL: url('s3cr%2Ft-of-its-own') }),
      ).toEqual([]);
      expect(configProblems({ ...PRODUCTION_ENV, DATABASE_URL: 'postgres://app@db/app' })).toEqual(
        [],
      );
    });

    it('accepts placeholders outside production, where the development values are public anyway', () => {
      expect(
        configProblems({
          MCPCLIENT_SECRET: 'change-me',
          COOKIE_KEYS: 'change-me',
          DATABASE_URL: 'postgres://app:change-me@db/app',
        }),
      ).toEqual([]);
    });

    it('refuses DEV_USERS=true and never enables development users', () => {
      expect(configProblems({ ...PRODUCTION_ENV, DEV_USERS: 'true' })).toEqual([
        expect.stringContaining('DEV_USERS') as string,
      ]);
      expect(loadConfig({ ...PRODUCTION_ENV, DEV_USERS: 'false' }).auth.devUsers).toBe(false);
    });
  });

  it('turns development users off with DEV_USERS=false and refuses a non-boolean', () => {
    expect(loadConfig({ DEV_USERS: 'false' }).auth.devUsers).toBe(false);
    expect(loadConfig({ DEV_USERS: 'off' }).auth.devUsers).toBe(false);
    expect(configProblems({ DEV_USERS: 'maybe' })).toEqual([
      expect.stringContaining('DEV_USERS') as string,
    ]);
  });

  it('accepts metadata documents and registrations unless REGISTRATION narrows it', () => {
    expect(loadConfig({}).auth.registration).toBe('open');
    expect(loadConfig({ REGISTRATION: 'cimd' }).auth.registration).toBe('cimd');
    expect(loadConfig({ REGISTRATION: 'off' }).auth.registration).toBe('off');
    expect(configProblems({ REGISTRATION: 'dcr' })).toEqual([
      expect.stringContaining('REGISTRATION must be one of open, cimd, off') as string,
    ]);
  });

  it('resolves USERS_FILE to an absolute path and leaves it unset when empty', () => {
    expect(loadConfig({}).auth.usersFile).toBeUndefined();
    expect(loadConfig({ USERS_FILE: '  ' }).auth.usersFile).toBeUndefined();
    expect(loadConfig({ USERS_FILE: 'config/users.json' }).auth.usersFile).toBe(
      resolve('config/users.json'),
    );
    expect(
      loadConfig({ ...PRODUCTION_ENV, USERS_FILE: '/etc/app/users.json' }).auth.usersFile,
    ).toBe('/etc/app/users.json');
  });

  it('lists CORS origins without trailing slashes and refuses *', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example/, https://b.example' }).api.corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
    expect(configProblems({ CORS_ORIGINS: 'https://a.example,*' })).toEqual([
      expect.stringContaining('CORS_ORIGINS') as string,
    ]);
  });

  it('refuses URLs that are not http(s) or carry a query', () => {
    const problems = configProblems({
      ISSUER_URL: 'not a url',
      API_BASE_URL: 'ftp://api.example.com',
      MCP_BASE_URL: 'https://mcp.example.com?x=1',
    });

    for (const name of ['ISSUER_URL', 'API_BASE_URL', 'MCP_BASE_URL']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
    // Each bad URL is named once, not again under the back-channel URL that defaults to it.
    expect(problems).toHaveLength(3);
  });

  it('uses the public URLs for back-channel calls unless AUTH_INTERNAL_URL / API_INTERNAL_URL say otherwise', () => {
    expect(loadConfig({}).shared).toMatchObject({
      issuerInternalUrl: 'http://localhost:5001',
      apiInternalUrl: 'http://localhost:5000',
    });
    const split = loadConfig({
      AUTH_INTERNAL_URL: 'http://auth:5001/',
      API_INTERNAL_URL: 'http://api:5000',
    });
    expect(split.shared).toMatchObject({
      issuer: 'http://localhost:5001',
      issuerInternalUrl: 'http://auth:5001',
      apiInternalUrl: 'http://api:5000',
    });
  });

  it('bounds every cache, by default and as configured, within sane ranges', () => {
    expect(loadConfig({}).shared.caches).toEqual({
      verifiedTokens: 10_000,
      dpopProofKeys: 1_000,
      exchangedTokens: 1_000,
      dpopNonceOrigins: 100,
      jwksSets: 100,
      discoveryDocuments: 100,
      clientActivity: 10_000,
    });
    expect(loadConfig({ VERIFIED_TOKENS_MAX: '500' }).shared.caches.verifiedTokens).toBe(500);
    expect(configProblems({ VERIFIED_TOKENS_MAX: '0', EXCHANGED_TOKENS_MAX: '1e9' })).toEqual([
      expect.stringMatching(/^VERIFIED_TOKENS_MAX /),
      expect.stringMatching(/^EXCHANGED_TOKENS_MAX /),
    ]);
  });

  it('refuses every bad integer at once, naming each', () => {
    const problems = configProblems({
      AUTH_PORT: 'abc',
      API_PORT: '70000',
      MCP_PORT: '-1',
      SPA_PORT: '51.5',
      ACCESS_TOKEN_TTL: '10',
    });

    expect(problems).toHaveLength(5);
    for (const name of ['AUTH_PORT', 'API_PORT', 'MCP_PORT', 'SPA_PORT', 'ACCESS_TOKEN_TTL']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it('refuses a bind address that is neither an IP address nor a host name', () => {
    expect(loadConfig({ HOST: '::' }).http.host).toBe('::');
    expect(loadConfig({ HOST: 'api-1.internal' }).http.host).toBe('api-1.internal');
    expect(configProblems({ HOST: 'bad host!' })).toEqual([
      'HOST must be an IP address or a host name, got bad host!',
    ]);
  });

  it('serves no metrics unless METRICS_PORT is set, then on loopback unless METRICS_HOST says', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, host: '127.0.0.1' });
    expect(loadConfig(PRODUCTION_ENV).metrics.port).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: 'OFF' }).metrics.port).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      port: 0,
      host: '0.0.0.0',
    });
    expect(() => loadConfig({ METRICS_PORT: '65536', METRICS_HOST: 'not a host' })).toThrow(
      /METRICS_PORT must be off or a port in \[0, 65535\], got 65536[\s\S]*METRICS_HOST/,
    );
  });

  it("accepts pino's log levels only, silent by default under test", () => {
    expect(loadConfig({}).logging.level).toBe('info');
    expect(loadConfig({ NODE_ENV: 'test' }).logging.level).toBe('silent');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logging.level).toBe('debug');
    expect(configProblems({ LOG_LEVEL: 'loud' })).toEqual([
      expect.stringMatching(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace/),
    ]);
  });

  describe('WORKERS', () => {
    it('is one process unless set; auto means one per available core', () => {
      expect(loadConfig({}).http.workers).toBe(1);
      expect(loadConfig({ WORKERS: '3' }).http.workers).toBe(3);
      expect(loadConfig({ WORKERS: 'auto' }).http.workers).toBe(availableParallelism());
    });

    it('refuses zero, negatives and words', () => {
      for (const value of ['0', '-1', 'many', '2.5']) {
        expect(configProblems({ WORKERS: value })).toEqual([
          expect.stringMatching(/^WORKERS must be auto or an integer in \[1, 256\]/),
        ]);
      }
    });
  });

  describe('TRUST_PROXY', () => {
    it('is off unless set, so X-Forwarded-For counts for nobody', () => {
      expect(loadConfig({}).http.trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: 'off' }).http.trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: '0' }).http.trustProxy).toBe(false);
    });

    it('is a hop count or a list of proxy addresses and networks', () => {
      expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
      expect(
        loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8' }).http.trustProxy,
      ).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    });

    it('refuses "trust everyone" and malformed entries', () => {
      for (const value of ['true', '10.0.0.0/33', 'proxy.example', '1.2.3']) {
        expect(configProblems({ TRUST_PROXY: value })).toEqual([
          expect.stringMatching(/^TRUST_PROXY must be off, a hop count, or/),
        ]);
      }
    });
  });

  it('gives the MCP server its own client secret and the AuthServer every seed secret', () => {
    const config = loadConfig({
      MCP_SERVER_CLIENT_ID: 'mcp.prod',
      MCP_SERVER_CLIENT_SECRET: 'mcp-secret',
      M2M_CLIENT_SECRET: 'm2m-secret',
    });

    expect(config.mcp).toEqual({
      corsOrigins: ['http://localhost:5173'],
      clientSecret: 'mcp-secret',
    });
    expect(config.shared.clientIds).toEqual({
      interactive: 'interactive',
      swagger: 'swagger',
      mcpServer: 'mcp.prod',
    });
    expect(config.auth.clientSecrets).toMatchObject({ m2m: 'm2m-secret', mcpServer: 'mcp-secret' });
    expect(JSON.stringify(config.shared)).not.toContain('secret');
  });

  it('reports a problem found in several sections once', () => {
    expect(
      configProblems({ ...PRODUCTION_ENV, MCP_SERVER_CLIENT_SECRET: 'mcp_server_dev_secret' }),
    ).toEqual([
      'MCP_SERVER_CLIENT_SECRET must be set to a non-development value in production (or MCP_CLIENT_KEY_FILE)',
    ]);
  });

  it('throws a ConfigError with a stable code and every problem in its message', () => {
    let thrown: unknown;
    try {
      loadConfig({ ROLES: 'auth,nope', CORS_ORIGINS: '*' });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.code).toBe('ERR_CONFIG');
    expect(error).toBeInstanceOf(StartupError);
    expect(error.problems).toHaveLength(2);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });
});
