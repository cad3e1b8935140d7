import { resolve } from 'node:path';

export const ROLES = ['auth', 'api', 'mcp', 'spa'] as const;
export type Role = (typeof ROLES)[number];

export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface SeedClientSecrets {
  readonly mcpclient: string;
  readonly m2m: string;
  /** The MCP server's own confidential client, used for token exchange (RFC 8693). */
  readonly mcpServer: string;
}

export interface AppConfig {
  readonly production: boolean;
  readonly roles: ReadonlySet<Role>;
  readonly host: string;
  readonly issuer: string;
  readonly apiBaseUrl: string;
  readonly mcpBaseUrl: string;
  readonly spaUrl: string;
  /**
   * Where this process reaches the AuthServer and the API for back-channel calls (JWKS, token
   * exchange, API calls). Defaults to the public URLs; differs when containers see each other
   * under other names than browsers do (docker-compose). Identifiers (issuer, audiences) always
   * stay the public URLs.
   */
  readonly issuerInternalUrl: string;
  readonly apiInternalUrl: string;
  /** RFC 8707 resource identifiers. */
  readonly apiResource: string;
  readonly mcpResource: string;
  readonly ports: Readonly<Record<Role, number>>;
  readonly storage: StorageConfig;
  readonly corsOrigins: readonly string[];
  readonly accessTokenTtlSeconds: number;
  readonly exchangedTokenTtlSeconds: number;
  readonly refreshTokenReuseGraceSeconds: number;
  readonly logLevel: string;
  /** `json` always; `pretty` for people; `auto` is pretty on a terminal outside production. */
  readonly logFormat: 'json' | 'pretty' | 'auto';
  readonly devUsers: boolean;
  /** Absolute path of the JSON users file (the only users in production), if any. */
  readonly usersFile: string | undefined;
  readonly cookieKeys: readonly string[] | undefined;
  readonly clientSecrets: SeedClientSecrets;
  readonly mcpServerClientId: string;
  readonly spaDistDir: string;
  readonly spaDevServer: boolean;
  /** Seconds a dynamically registered client lives if it never obtains a token. */
  readonly registeredClientTtlSeconds: number;
  /** Whether the API serves Swagger UI; off in production unless SWAGGER_UI=true. */
  readonly swaggerUi: boolean;
}

/** Development values; the process refuses to start in production while any is still in use. */
export const DEV_SECRETS: SeedClientSecrets = {
  mcpclient: 'mcpclient_secret',
  m2m: '511536EF-F270-4058-80CA-1C89C192F69A',
  mcpServer: 'mcp_server_dev_secret',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The one place that reads the environment. Every value is validated here, once, and the
 * result is handed out typed; nothing else in src/ touches process.env.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const url = (name: string, fallback: string): string => {
    const raw = (env[name] ?? fallback).trim();
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        problems.push(`${name} must be an http(s) URL, got ${raw}`);
      }
      if (parsed.search || parsed.hash) problems.push(`${name} must not have a query or fragment`);
    } catch {
      problems.push(`${name} is not a URL: ${raw}`);
    }
    // Issuer comparison is byte-for-byte (RFC 8414 §3.3): normalise away a trailing slash once.
    return raw.replace(/\/+$/, '');
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer in [${min}, ${max}], got ${raw}`);
      return fallback;
    }
    return value;
  };

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be a boolean, got ${raw}`);
    return fallback;
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got ${raw}`);
    return fallback;
  };

  const roles = parseRoles(env.ROLES, problems);
  const issuer = url('ISSUER_URL', 'http://localhost:5001');
  const apiBaseUrl = url('API_BASE_URL', 'http://localhost:5000');
  const mcpBaseUrl = url('MCP_BASE_URL', 'http://localhost:8010');
  const spaUrl = url('SPA_URL', 'http://localhost:5173');
  const issuerInternalUrl = env.AUTH_INTERNAL_URL ? url('AUTH_INTERNAL_URL', issuer) : issuer;
  const apiInternalUrl = env.API_INTERNAL_URL ? url('API_INTERNAL_URL', apiBaseUrl) : apiBaseUrl;

  const ports: Record<Role, number> = {
    auth: int('AUTH_PORT', portOf(issuer, 5001), 0, 65535),
    api: int('API_PORT', portOf(apiBaseUrl, 5000), 0, 65535),
    mcp: int('MCP_PORT', portOf(mcpBaseUrl, 8010), 0, 65535),
    spa: int('SPA_PORT', portOf(spaUrl, 5173), 0, 65535),
  };

  const databaseUrl = env.DATABASE_URL?.trim();
  let storage: StorageConfig;
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      problems.push('DATABASE_URL must be a postgres:// URL (leave it unset for embedded SQLite)');
    }
    storage = { kind: 'postgres', url: databaseUrl };
  } else {
    storage = { kind: 'sqlite', path: resolve(env.SQLITE_PATH ?? './data/auth.sqlite') };
  }

  const clientSecrets: SeedClientSecrets = {
    mcpclient: env.MCPCLIENT_SECRET ?? DEV_SECRETS.mcpclient,
    m2m: env.M2M_CLIENT_SECRET ?? DEV_SECRETS.m2m,
    mcpServer: env.MCP_SERVER_CLIENT_SECRET ?? DEV_SECRETS.mcpServer,
  };

  const cookieKeys = env.COOKIE_KEYS?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);

  const devUsers = !production && bool('DEV_USERS', true);
  const usersFile = env.USERS_FILE?.trim() ? resolve(env.USERS_FILE.trim()) : undefined;
  if (production) {
    for (const [name, key] of [
      ['MCPCLIENT_SECRET', 'mcpclient'],
      ['M2M_CLIENT_SECRET', 'm2m'],
      ['MCP_SERVER_CLIENT_SECRET', 'mcpServer'],
    ] as const) {
      if (clientSecrets[key] === DEV_SECRETS[key]) {
        problems.push(`${name} must be set to a non-development value in production`);
      }
    }
    if (!cookieKeys || cookieKeys.some((k) => k.length < 32)) {
      problems.push(
        'COOKIE_KEYS (comma-separated, each at least 32 characters) is required in production',
      );
    }
    if (env.LOG_FORMAT === 'pretty') {
      problems.push('LOG_FORMAT=pretty needs a development dependency; production logs JSON');
    }
    if (env.DEV_USERS && bool('DEV_USERS', false)) {
      problems.push('DEV_USERS cannot be enabled in production');
    }
  }

  const corsOrigins = (env.CORS_ORIGINS ?? spaUrl)
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (corsOrigins.includes('*')) problems.push('CORS_ORIGINS must list origins, not *');

  const config: AppConfig = {
    production,
    roles,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    issuer,
    apiBaseUrl,
    mcpBaseUrl,
    spaUrl,
    issuerInternalUrl,
    apiInternalUrl,
    apiResource: apiBaseUrl,
    mcpResource: `${mcpBaseUrl}/mcp`,
    ports,
    storage,
    corsOrigins,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL', 300, 30, 86400),
    exchangedTokenTtlSeconds: int('EXCHANGED_TOKEN_TTL', 300, 30, 3600),
    refreshTokenReuseGraceSeconds: int('REFRESH_TOKEN_REUSE_GRACE', 30, 0, 300),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    logFormat: oneOf('LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'),
    devUsers,
    usersFile,
    cookieKeys: cookieKeys?.length ? cookieKeys : undefined,
    clientSecrets,
    mcpServerClientId: env.MCP_SERVER_CLIENT_ID ?? 'mcp.server',
    spaDistDir: resolve(env.SPA_DIST_DIR ?? './spa/dist'),
    spaDevServer: bool('SPA_DEV_SERVER', false),
    registeredClientTtlSeconds: int('REGISTERED_CLIENT_TTL', 86400, 1, 365 * 86400),
    swaggerUi: bool('SWAGGER_UI', !production),
  };

  if (problems.length) throw new ConfigError(problems);
  return config;
}

function parseRoles(raw: string | undefined, problems: string[]): ReadonlySet<Role> {
  if (!raw?.trim()) return new Set(ROLES);
  const roles = new Set<Role>();
  const parts = raw
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  for (const part of parts) {
    if ((ROLES as readonly string[]).includes(part)) roles.add(part as Role);
    else problems.push(`ROLES: unknown role "${part}" (known: ${ROLES.join(', ')})`);
  }
  if (roles.size === 0) problems.push('ROLES selects no role');
  return roles;
}

function portOf(url: string, fallback: number): number {
  try {
    const parsed = new URL(url);
    return parsed.port ? Number(parsed.port) : fallback;
  } catch {
    return fallback;
  }
}
