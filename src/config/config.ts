import { z } from 'zod';
import { StartupError } from './startup-error';
import { loadApis, ProtectedApi } from './apis';
import { loadClientKeys } from './client-keys';
import type { ClientPrivateKey, PublicClientJwk } from './client-key';
import {
  apiSchema,
  authSchema,
  httpSchema,
  loggingSchema,
  mcpSchema,
  metricsSchema,
  RegistrationMode,
  Role,
  rolesSchema,
  SectionContext,
  spaSchema,
  dpopSchema,
  cachesSchema,
  storageSchema,
  urlsSchema,
} from './sections';

export { DEV_SECRETS } from './secret-fields';
export { LOG_LEVELS, ROLES } from './sections';
export type { RegistrationMode, Role } from './sections';
export type { ProtectedApi } from './apis';
export type { ClientPrivateKey, PublicClientJwk } from './client-key';

/** URLs and identifiers every role shares; no secrets. */
export interface SharedConfig {
  readonly production: boolean;
  readonly issuer: string;
  readonly apiBaseUrl: string;
  readonly mcpBaseUrl: string;
  readonly spaUrl: string;
  /**
   * Where this process reaches the AuthServer and the API for back-channel calls (discovery,
   * JWKS, token exchange, API calls). Defaults to the public URLs; differs when containers see
   * each other under other names than browsers do (docker-compose). Identifiers (issuer,
   * audiences) always stay the public URLs.
   */
  readonly issuerInternalUrl: string;
  readonly apiInternalUrl: string;
  /** RFC 8707 resource identifiers. */
  readonly apiResource: string;
  readonly mcpResource: string;
  /** The APIs behind the AuthServer whose operations the MCP server offers (APIS_FILE). */
  readonly apis: readonly ProtectedApi[];
  /** Pre-registered clients that more than one role names. */
  readonly clientIds: ClientIds;
  /** DPoP (RFC 9449) policy shared by the AuthServer and the resource servers. */
  readonly dpop: { readonly requireNonce: boolean };
  readonly caches: CacheBounds;
}

/** Upper bounds of the in-process caches, in entries (cachesSchema). */
export type CacheBounds = Readonly<z.output<typeof cachesSchema>>;

export interface ClientIds {
  /** The SPA's public client. */
  readonly interactive: string;
  /** Swagger UI's public client on the API. */
  readonly swagger: string;
  /** The MCP server's confidential client for token exchange (RFC 8693). */
  readonly mcpServer: string;
}

/** Fastify's `trustProxy`: off, a hop count, or the proxies' addresses/networks. */
export type TrustProxy = false | number | readonly string[];

export interface HttpConfig {
  readonly host: string;
  readonly ports: Readonly<Record<Role, number>>;
  readonly trustProxy: TrustProxy;
  /** Graceful stop: how long /health says 503 before the ports close, and the bound on it all. */
  readonly shutdown: { readonly drainDelayMs: number; readonly timeoutMs: number };
  /** Processes serving the HTTP roles (node:cluster); 1 is a single process, no primary. */
  readonly workers: number;
}

export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };

export interface SeedClientSecrets {
  readonly mcpclient: string;
  readonly m2m: string;
  readonly mcpServer: string;
}

/** The AuthServer's section: lifetimes, users, cookie keys and the seed clients' secrets. */
export interface AuthConfig {
  readonly accessTokenTtlSeconds: number;
  readonly exchangedTokenTtlSeconds: number;
  readonly refreshTokenReuseGraceSeconds: number;
  readonly idTokenTtlSeconds: number;
  /** Dynamically registered clients never used within this time are forgotten. */
  readonly registeredClientTtlSeconds: number;
  /** Which unconfigured clients may sign users in: metadata documents, registrations, neither. */
  readonly registration: RegistrationMode;
  /** Seconds per request to an upstream IdP before the sign-in ends on a retry page. */
  readonly federationTimeoutSeconds: number;
  /** Signing-key rotation: publication time before a new key signs, and the optional schedule. */
  readonly signingKeys: {
    readonly activationDelaySeconds: number;
    readonly rotationDays: number | undefined;
  };
  readonly devUsers: boolean;
  /** Absolute path of the JSON users file (the only users in production), if any. */
  readonly usersFile: string | undefined;
  readonly cookieKeys: readonly string[] | undefined;
  /** Base64url key-encryption keys of connected accounts; undefined: the development key. */
  readonly connectedAccountsKeys: readonly string[] | undefined;
  readonly clientSecrets: SeedClientSecrets;
  /** The MCP server's public key: then its client authenticates with private_key_jwt. */
  readonly mcpServerKey: PublicClientJwk | undefined;
}

export interface ApiConfig {
  readonly corsOrigins: readonly string[];
  /** Whether Swagger UI is served (default: outside production only). */
  readonly swaggerUi: boolean;
}

export interface McpConfig {
  readonly corsOrigins: readonly string[];
  /** The secret of `clientIds.mcpServer`, for token exchange (client_secret_basic). */
  readonly clientSecret: string;
  /** Its key instead (private_key_jwt, RFC 7523 §2.2), when MCP_CLIENT_KEY_FILE is set. */
  readonly clientKey: ClientPrivateKey | undefined;
}

export interface SpaConfig {
  readonly distDir: string;
}

/** The process's Prometheus listener; `port` undefined means no metrics are served. */
export interface MetricsConfig {
  readonly port: number | undefined;
  readonly host: string;
}

export interface LoggingConfig {
  readonly level: string;
  /** `json` always; `pretty` for people; `auto` is pretty on a terminal outside production. */
  readonly format: 'json' | 'pretty' | 'auto';
}

/** The whole configuration; the bootstrapper hands each role only its own section. */
export interface AppConfig {
  readonly roles: ReadonlySet<Role>;
  readonly shared: SharedConfig;
  readonly http: HttpConfig;
  readonly storage: StorageConfig;
  readonly auth: AuthConfig;
  readonly api: ApiConfig;
  readonly mcp: McpConfig;
  readonly spa: SpaConfig;
  readonly logging: LoggingConfig;
  readonly metrics: MetricsConfig;
}

export class ConfigError extends StartupError {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_URLS = urlsSchema.parse({});

/**
 * The one place that reads the environment. Every section is validated with its own schema,
 * every problem of every section is reported in one ConfigError, and the result is typed.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems = new Set<string>();
  const parse = <T extends z.ZodType>(schema: T): z.output<T> | undefined => {
    const result = schema.safeParse(env);
    if (result.success) return result.data;
    for (const issue of result.error.issues)
      problems.add(`${String(issue.path[0])} ${issue.message}`);
    return undefined;
  };

  const production = env.NODE_ENV === 'production';
  const roles = parse(rolesSchema);
  const urls = parse(urlsSchema);
  const context: SectionContext = {
    production,
    urls: {
      issuer: urls?.ISSUER_URL ?? DEFAULT_URLS.ISSUER_URL,
      apiBaseUrl: urls?.API_BASE_URL ?? DEFAULT_URLS.API_BASE_URL,
      mcpBaseUrl: urls?.MCP_BASE_URL ?? DEFAULT_URLS.MCP_BASE_URL,
      spaUrl: urls?.SPA_URL ?? DEFAULT_URLS.SPA_URL,
    },
  };
  const http = parse(httpSchema(context));
  const storage = parse(storageSchema(context));
  const auth = parse(authSchema(context));
  const api = parse(apiSchema(context));
  const mcp = parse(mcpSchema(context));
  const spa = parse(spaSchema);
  const dpop = parse(dpopSchema);
  const caches = parse(cachesSchema);
  const apis = urls
    ? loadApis(urls.APIS_FILE, {
        apiResource: urls.API_BASE_URL,
        apiInternalUrl: urls.API_INTERNAL_URL ?? urls.API_BASE_URL,
        mcpResource: `${urls.MCP_BASE_URL}/mcp`,
      })
    : undefined;
  if (apis && 'problems' in apis) for (const problem of apis.problems) problems.add(problem);
  // Connected-account tokens would be sealed with the public development key.
  if (production && apis && 'apis' in apis && apis.apis.some((a) => a.auth) && auth)
    if (!auth.CONNECTED_ACCOUNTS_KEYS)
      problems.add('CONNECTED_ACCOUNTS_KEYS is required in production when an API names `auth`');
  const keys = loadClientKeys(
    {
      privateKeyFile: mcp?.MCP_CLIENT_KEY_FILE,
      publicKeyFile: auth?.MCP_CLIENT_PUBLIC_KEY_FILE,
    },
    production,
  );
  for (const problem of keys.problems) problems.add(problem);
  const logging = parse(loggingSchema(context, env.NODE_ENV));
  const metrics = parse(metricsSchema);

  if (
    problems.size > 0 ||
    !apis ||
    'problems' in apis ||
    !roles ||
    !urls ||
    !http ||
    !storage ||
    !auth ||
    !api ||
    !mcp ||
    !spa ||
    !dpop ||
    !caches ||
    !logging ||
    !metrics
  ) {
    throw new ConfigError([...problems]);
  }
  return {
    roles: roles.ROLES,
    shared: {
      production,
      issuer: urls.ISSUER_URL,
      apiBaseUrl: urls.API_BASE_URL,
      mcpBaseUrl: urls.MCP_BASE_URL,
      spaUrl: urls.SPA_URL,
      issuerInternalUrl: urls.AUTH_INTERNAL_URL ?? urls.ISSUER_URL,
      apiInternalUrl: urls.API_INTERNAL_URL ?? urls.API_BASE_URL,
      apiResource: urls.API_BASE_URL,
      mcpResource: `${urls.MCP_BASE_URL}/mcp`,
      apis: apis.apis,
      clientIds: {
        interactive: 'interactive',
        swagger: 'swagger',
        mcpServer: urls.MCP_SERVER_CLIENT_ID,
      },
      dpop: { requireNonce: dpop.DPOP_REQUIRE_NONCE },
      caches,
    },
    http: {
      host: http.HOST,
      ports: { auth: http.AUTH_PORT, api: http.API_PORT, mcp: http.MCP_PORT, spa: http.SPA_PORT },
      trustProxy: http.TRUST_PROXY,
      shutdown: {
        drainDelayMs: http.SHUTDOWN_DRAIN_SECONDS * 1000,
        timeoutMs: http.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      },
      workers: http.WORKERS,
    },
    storage: storage.DATABASE_URL
      ? { kind: 'postgres', url: storage.DATABASE_URL, poolSize: storage.DATABASE_POOL_SIZE }
      : { kind: 'sqlite', path: storage.SQLITE_PATH },
    auth: {
      accessTokenTtlSeconds: auth.ACCESS_TOKEN_TTL,
      exchangedTokenTtlSeconds: auth.EXCHANGED_TOKEN_TTL,
      refreshTokenReuseGraceSeconds: auth.REFRESH_TOKEN_REUSE_GRACE,
      idTokenTtlSeconds: auth.ID_TOKEN_TTL,
      registeredClientTtlSeconds: auth.REGISTERED_CLIENT_TTL,
      registration: auth.REGISTRATION,
      federationTimeoutSeconds: auth.FEDERATION_TIMEOUT_SECONDS,
      signingKeys: {
        activationDelaySeconds: auth.KEY_ACTIVATION_DELAY_SECONDS,
        rotationDays: auth.KEY_ROTATION_DAYS || undefined,
      },
      devUsers: auth.DEV_USERS,
      usersFile: auth.USERS_FILE,
      cookieKeys: auth.COOKIE_KEYS?.length ? auth.COOKIE_KEYS : undefined,
      connectedAccountsKeys: auth.CONNECTED_ACCOUNTS_KEYS,
      clientSecrets: {
        mcpclient: auth.MCPCLIENT_SECRET,
        m2m: auth.M2M_CLIENT_SECRET,
        mcpServer: auth.MCP_SERVER_CLIENT_SECRET,
      },
      mcpServerKey: keys.publicKey,
    },
    api: { corsOrigins: api.CORS_ORIGINS, swaggerUi: api.SWAGGER_UI },
    mcp: {
      corsOrigins: mcp.CORS_ORIGINS,
      clientSecret: mcp.MCP_SERVER_CLIENT_SECRET,
      clientKey: keys.privateKey,
    },
    spa: { distDir: spa.SPA_DIST_DIR },
    logging: { level: logging.LOG_LEVEL, format: logging.LOG_FORMAT },
    metrics: { port: metrics.METRICS_PORT, host: metrics.METRICS_HOST },
  };
}
