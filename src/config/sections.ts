import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  absolutePath,
  boolean,
  commaList,
  httpUrl,
  integer,
  isHostOrIp,
  isIpOrCidr,
  oneOf,
  optionalHttpUrl,
  optionalText,
  text,
  withoutTrailingSlashes,
} from './env-fields';
import { hasPlaceholderPassword, PLACEHOLDER_PASSWORD_PROBLEM } from './placeholder';
import { clientSecret, cookieKeys, DEV_SECRETS, refuseDevSecret } from './secret-fields';

export const ROLES = ['auth', 'api', 'mcp', 'spa'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How clients the operator did not configure get a client_id (MCP authorization, "Client
 * Registration"): `open` accepts Client ID Metadata Documents and Dynamic Client Registration
 * (RFC 7591), `cimd` only metadata documents (DCR is deprecated by the 2026-07-28 revision),
 * `off` neither: only configured clients.
 */
export const REGISTRATION_MODES = ['open', 'cimd', 'off'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** pino's levels; `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What a section's schema may depend on besides its own variables. */
export interface SectionContext {
  readonly production: boolean;
  /** The public URLs, or the contract's defaults when they are invalid (reported already). */
  readonly urls: {
    readonly issuer: string;
    readonly spaUrl: string;
    readonly apiBaseUrl: string;
    readonly mcpBaseUrl: string;
  };
}

export const rolesSchema = z.object({
  ROLES: text(ROLES.join(','))
    .transform((raw) => commaList(raw.toLowerCase()))
    .pipe(
      z
        .array(
          z.enum(ROLES, {
            error: (issue) =>
              `names an unknown role "${String(issue.input)}" (known: ${ROLES.join(', ')})`,
          }),
        )
        .min(1, { error: 'selects no role' })
        .transform((roles): ReadonlySet<Role> => new Set(roles)),
    ),
});

export const urlsSchema = z.object({
  ISSUER_URL: httpUrl('http://localhost:5001'),
  API_BASE_URL: httpUrl('http://localhost:5000'),
  MCP_BASE_URL: httpUrl('http://localhost:8010'),
  SPA_URL: httpUrl('http://localhost:5173'),
  AUTH_INTERNAL_URL: optionalHttpUrl(),
  API_INTERNAL_URL: optionalHttpUrl(),
  MCP_SERVER_CLIENT_ID: text('mcp.server'),
  APIS_FILE: optionalText().transform((path) => (path ? resolve(path) : undefined)),
});

export function httpSchema({ production, urls }: SectionContext) {
  return z.object({
    HOST: text(production ? '0.0.0.0' : '127.0.0.1').refine(isHostOrIp, {
      error: (issue) => `must be an IP address or a host name, got ${String(issue.input)}`,
    }),
    AUTH_PORT: integer(portOf(urls.issuer, 5001), 0, 65535),
    API_PORT: integer(portOf(urls.apiBaseUrl, 5000), 0, 65535),
    MCP_PORT: integer(portOf(urls.mcpBaseUrl, 8010), 0, 65535),
    SPA_PORT: integer(portOf(urls.spaUrl, 5173), 0, 65535),
    TRUST_PROXY: trustProxy(),
    SHUTDOWN_DRAIN_SECONDS: integer(0, 0, 300),
    SHUTDOWN_TIMEOUT_SECONDS: integer(10, 1, 600),
    WORKERS: workers(),
  });
}

/** How many processes serve the HTTP roles: a count, or `auto` for one per available core. */
function workers() {
  return text('1').transform((raw, ctx): number => {
    if (/^auto$/i.test(raw)) return availableParallelism();
    if (/^\d{1,3}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 256) return Number(raw);
    ctx.addIssue({ code: 'custom', message: `must be auto or an integer in [1, 256], got ${raw}` });
    return z.NEVER;
  });
}

/**
 * Whose X-Forwarded-* headers count. Off by default: a client could otherwise pick its own
 * address (and escape the login throttle). A hop count trusts that many proxies in front of
 * us; a list trusts exactly those addresses or networks. `true` (trust anyone) is refused.
 */
function trustProxy() {
  return text('off').transform((raw, ctx): false | number | readonly string[] => {
    if (/^(off|false|0)$/i.test(raw)) return false;
    if (/^\d{1,2}$/.test(raw)) return Number(raw);
    const entries = commaList(raw);
    const bad = entries.filter((entry) => !isIpOrCidr(entry));
    if (entries.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be off, a hop count, or a comma-separated list of proxy IPs/CIDRs, got ${raw}`,
      });
      return z.NEVER;
    }
    return entries;
  });
}

export function storageSchema({ production }: SectionContext) {
  return z.object({
    DATABASE_URL: optionalText()
      .refine((url) => url === undefined || /^postgres(ql)?:\/\//.test(url), {
        error: 'must be a postgres:// URL (leave it unset for embedded SQLite)',
      })
      .refine((url) => !production || url === undefined || !hasPlaceholderPassword(url), {
        error: PLACEHOLDER_PASSWORD_PROBLEM,
      }),
    SQLITE_PATH: absolutePath('./data/auth.sqlite'),
    DATABASE_POOL_SIZE: integer(20, 1, 1000),
  });
}

/** Browser origins, without trailing slashes; never `*`. */
function corsOrigins({ urls }: SectionContext) {
  return text(urls.spaUrl)
    .transform((raw) => commaList(raw).map(withoutTrailingSlashes))
    .refine((origins) => !origins.includes('*'), { error: 'must list origins, not *' });
}

export function authSchema({ production }: SectionContext) {
  return z
    .object({
      ACCESS_TOKEN_TTL: integer(300, 30, 86400),
      EXCHANGED_TOKEN_TTL: integer(300, 30, 3600),
      REFRESH_TOKEN_REUSE_GRACE: integer(30, 0, 300),
      ID_TOKEN_TTL: integer(3600, 30, 86400),
      KEY_ACTIVATION_DELAY_SECONDS: integer(900, 2, 30 * 86400),
      // 0 (the default) rotates only on `npm run keys -- rotate`.
      KEY_ROTATION_DAYS: integer(0, 0, 3650),
      // Dynamically registered clients never used within this time are forgotten.
      REGISTERED_CLIENT_TTL: integer(86400, 1, 365 * 86400),
      REGISTRATION: oneOf(REGISTRATION_MODES, 'open'),
      // Per request to an upstream IdP (discovery, token): a slow one gets a page with a retry.
      FEDERATION_TIMEOUT_SECONDS: integer(5, 1, 60),
      DEV_USERS: boolean(!production).refine((on) => !(production && on), {
        error: 'cannot be enabled in production',
      }),
      USERS_FILE: optionalText().transform((path) => (path ? resolve(path) : undefined)),
      MCPCLIENT_SECRET: clientSecret(production, DEV_SECRETS.mcpclient),
      M2M_CLIENT_SECRET: clientSecret(production, DEV_SECRETS.m2m),
      MCP_SERVER_CLIENT_SECRET: text(DEV_SECRETS.mcpServer),
      // The MCP server's public key for private_key_jwt (RFC 7523 §2.2); without it the public
      // part of MCP_CLIENT_KEY_FILE, which a one-process deployment already has.
      MCP_CLIENT_PUBLIC_KEY_FILE: keyFile(),
      MCP_CLIENT_KEY_FILE: keyFile(),
      COOKIE_KEYS: cookieKeys(production),
      // Key-encryption keys of connected-account tokens (auth/connections/envelope.ts): the
      // first seals, all open, so a new key goes first and the old one stays until rows are
      // re-sealed.
      CONNECTED_ACCOUNTS_KEYS: optionalText()
        .transform((raw) => (raw ? commaList(raw) : undefined))
        .refine((keys) => keys === undefined || keys.every(isKey32), {
          error: 'must be comma-separated base64url keys of 32 bytes each',
        }),
    })
    .superRefine((env, ctx) => {
      const keyed = env.MCP_CLIENT_PUBLIC_KEY_FILE ?? env.MCP_CLIENT_KEY_FILE;
      if (!keyed) refuseDevSecret(production, env.MCP_SERVER_CLIENT_SECRET, ctx);
    });
}

export function apiSchema(context: SectionContext) {
  return z.object({
    CORS_ORIGINS: corsOrigins(context),
    // Swagger UI is for development; production serves it only when asked to.
    SWAGGER_UI: boolean(!context.production),
  });
}

export function mcpSchema(context: SectionContext) {
  return z
    .object({
      CORS_ORIGINS: corsOrigins(context),
      MCP_SERVER_CLIENT_SECRET: text(DEV_SECRETS.mcpServer),
      // With a key, the token exchange authenticates with private_key_jwt (RFC 7523 §2.2)
      // instead of the secret (client_secret_basic), which is then unused.
      MCP_CLIENT_KEY_FILE: keyFile(),
    })
    .superRefine((env, ctx) => {
      if (!env.MCP_CLIENT_KEY_FILE)
        refuseDevSecret(context.production, env.MCP_SERVER_CLIENT_SECRET, ctx);
    });
}

function keyFile() {
  return optionalText().transform((path) => (path ? resolve(path) : undefined));
}

/**
 * Where Prometheus scrapes this process: its own listener, never a role's public port. Off
 * unless METRICS_PORT is set; on loopback unless METRICS_HOST says otherwise (a scraper in
 * another container needs 0.0.0.0, with the port left unpublished).
 */
export const metricsSchema = z.object({
  METRICS_PORT: text('off').transform((raw, ctx): number | undefined => {
    if (/^off$/i.test(raw)) return undefined;
    const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (port >= 0 && port <= 65535) return port;
    ctx.addIssue({ code: 'custom', message: `must be off or a port in [0, 65535], got ${raw}` });
    return z.NEVER;
  }),
  METRICS_HOST: text('127.0.0.1').refine(isHostOrIp, {
    error: (issue) => `must be an IP address or a host name, got ${String(issue.input)}`,
  }),
});

export const spaSchema = z.object({ SPA_DIST_DIR: absolutePath('./spa/dist') });

/**
 * DPoP (RFC 9449): with DPOP_REQUIRE_NONCE every proof, at the token endpoint and at the
 * resource servers, must carry a server-provided nonce (§8, §9), which bounds how long a
 * proof signed ahead of time is good for, at the price of one extra round trip per client.
 */
export const dpopSchema = z.object({ DPOP_REQUIRE_NONCE: boolean(false) });

/**
 * Upper bounds, in entries, of the in-process caches (README "Cache bounds"). Every one drops
 * its coldest entry when full, so a bound too small costs recomputation (a signature check, a
 * key import, a token exchange, a discovery request), never a wrong answer; too large costs
 * memory. The defaults hold a busy single process's working set.
 */
export const cachesSchema = z
  .object({
    // Tokens whose signature and claims were checked, per resource server (about 1 KiB each).
    VERIFIED_TOKENS_MAX: integer(10_000, 100, 1_000_000),
    // Imported DPoP proof keys, per resource server: one per client key in use.
    DPOP_PROOF_KEYS_MAX: integer(1_000, 10, 100_000),
    // Tokens the MCP server got by exchange: one per caller token, API and scope set.
    EXCHANGED_TOKENS_MAX: integer(1_000, 10, 100_000),
    // Last DPoP nonce per API origin the MCP server calls (RFC 9449 §8).
    DPOP_NONCE_ORIGINS_MAX: integer(100, 1, 10_000),
    // Key sets of trusted workload and ID-JAG issuers, one per JWKS URI.
    JWKS_SETS_MAX: integer(100, 1, 10_000),
    // Discovery documents of upstream identity providers and connected-account servers.
    DISCOVERY_DOCUMENTS_MAX: integer(100, 1, 10_000),
    // Clients whose last use was recorded lately (one write per client per minute at most).
    CLIENT_ACTIVITY_MAX: integer(10_000, 100, 1_000_000),
  })
  .transform((env) => ({
    verifiedTokens: env.VERIFIED_TOKENS_MAX,
    dpopProofKeys: env.DPOP_PROOF_KEYS_MAX,
    exchangedTokens: env.EXCHANGED_TOKENS_MAX,
    dpopNonceOrigins: env.DPOP_NONCE_ORIGINS_MAX,
    jwksSets: env.JWKS_SETS_MAX,
    discoveryDocuments: env.DISCOVERY_DOCUMENTS_MAX,
    clientActivity: env.CLIENT_ACTIVITY_MAX,
  }));

export function loggingSchema({ production }: SectionContext, nodeEnv: string | undefined) {
  return z.object({
    LOG_LEVEL: oneOf(LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    LOG_FORMAT: oneOf(['auto', 'json', 'pretty'], 'auto').refine(
      (format) => !(production && format === 'pretty'),
      { error: 'must not be pretty in production: pino-pretty is a development dependency' },
    ),
  });
}

function portOf(url: string, fallback: number): number {
  const port = new URL(url).port;
  return port ? Number(port) : fallback;
}

function isKey32(key: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(key) && Buffer.from(key, 'base64url').length === 32;
}
