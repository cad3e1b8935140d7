import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { SCOPE } from './protocol';

/** An API behind the AuthServer whose OpenAPI operations the MCP server offers as tools. */
export interface ProtectedApi {
  /** Short name: prefixes tool names when several APIs are configured. */
  readonly name: string;
  /** What people read: the consent page, RFC 9728 `resource_name`. */
  readonly title: string;
  /** RFC 8707 resource identifier: the audience of tokens minted for it. */
  readonly resource: string;
  /** Scopes the API defines that MCP tools may need; an MCP token can carry them. */
  readonly scopes: readonly string[];
  /** What each scope lets a client do, for consent pages and Swagger UI; absent: the name. */
  readonly scopeTexts: ScopeTexts;
  /** The OpenAPI 3 document: an http(s) URL or an absolute file path. */
  readonly openapi: string;
  /** Where its operations are called; paths of the document are appended. */
  readonly baseUrl: string;
  /**
   * Lifetime of tokens minted for it, when not the AuthServer's default; may be longer. What must
   * outlive every token (revocations, key retirement) follows it (auth/tokens/token-lifetime.ts).
   */
  readonly tokenTtlSeconds: number | undefined;
  /** operationIds to offer (all when absent) and to leave out. */
  readonly include: readonly string[] | undefined;
  readonly exclude: readonly string[];
  /**
   * Whether the API checks DPoP proofs (RFC 9449): then the MCP server's tokens for it are bound
   * to the MCP server's own key, so a leaked one is useless to anybody else. Our weather API
   * does; an API that only knows Bearer tokens must not get one it cannot use.
   */
  readonly dpop: boolean;
  /**
   * Set when the API trusts another authorization server: its tools call it with the user's
   * own token from that server (a connected account), never with a token of ours.
   */
  readonly auth?: UpstreamAuth;
}

/** The authorization server a third-party API trusts, and the scopes to ask it for. */
export interface UpstreamAuth {
  /** Slug of an upstream provider in the store (`npm run admin -- idps add`). */
  readonly provider: string;
  readonly scopes: readonly string[];
}

/** Scope name -> what it lets a client do, in the words of a consent page. */
export type ScopeTexts = Readonly<Record<string, string>>;

/**
 * The weather API's scopes: the one list its challenges, RFC 9728 metadata, Swagger UI,
 * consent page, client scope lists, MCP tools and the SPA read. Protecting a route with a new
 * scope is a line here and `@RequireScopes` on the route (README: "Protect a new route with a
 * new scope").
 */
export const WEATHER_API_SCOPES = {
  weatherget: 'Read weather forecasts',
  api: 'Use the weather API on your behalf',
} as const satisfies ScopeTexts;

export type WeatherScope = keyof typeof WEATHER_API_SCOPES;

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const OPERATION_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** The slug rule of upstream providers (auth/federation/upstream-idp.ts). */
const PROVIDER = /^[a-z0-9][a-z0-9-]{0,39}$/;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

function entrySchema(baseDir: string) {
  return z
    .object({
      name: z.string().regex(NAME, { error: 'must be lower-case letters, digits and dashes' }),
      resource: httpUrl.transform((url) => url.replace(/\/+$/, '')),
      scopes: z
        .array(z.string().regex(SCOPE_TOKEN, { error: 'must be an RFC 6749 scope-token' }))
        .min(1, { error: 'must name at least one scope' }),
      openapi: z
        .string()
        .min(1)
        .transform((where) =>
          /^https?:\/\//.test(where) || isAbsolute(where) ? where : resolve(baseDir, where),
        ),
      baseUrl: httpUrl.transform((url) => url.replace(/\/+$/, '')),
      tokenTtlSeconds: z.number().int().min(30).max(86400).optional(),
      include: z.array(z.string().regex(OPERATION_ID)).optional(),
      exclude: z.array(z.string().regex(OPERATION_ID)).default([]),
      dpop: z.boolean().default(false),
      auth: z
        .strictObject({
          provider: z
            .string()
            .regex(PROVIDER, { error: 'must be the slug of an upstream provider' }),
          scopes: z.array(z.string().regex(SCOPE_TOKEN)).min(1).max(20),
        })
        .optional(),
    })
    .strict();
}

const RESERVED_SCOPES = new Set<string>([
  SCOPE.openid,
  SCOPE.profile,
  SCOPE.email,
  SCOPE.offlineAccess,
]);

function apisSchema(baseDir: string, mcpResource: string) {
  return z
    .array(entrySchema(baseDir))
    .min(1, { error: 'must list at least one API' })
    .superRefine((apis, ctx) => {
      const seen = { names: new Set<string>(), resources: new Set<string>([mcpResource]) };
      apis.forEach((api, index) => {
        if (seen.names.has(api.name))
          ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'is used twice' });
        if (seen.resources.has(api.resource))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'resource'],
            message: 'is already the resource of another API or of the MCP server',
          });
        for (const scope of api.scopes.filter((s) => RESERVED_SCOPES.has(s)))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'scopes'],
            message: `names the OpenID Connect scope "${scope}", which is not an API's`,
          });
        seen.names.add(api.name);
        seen.resources.add(api.resource);
      });
    });
}

/** What the default (no APIS_FILE) is built from. */
export interface ApiDefaults {
  readonly apiResource: string;
  readonly apiInternalUrl: string;
  readonly mcpResource: string;
}

/**
 * The weather API: the default entry of the APIs list, with its scopes (WEATHER_API_SCOPES),
 * its own OpenAPI document, called at its internal URL. `scopes` is for tests that follow the
 * README's recipe with a list of their own.
 */
export function defaultApis(
  defaults: ApiDefaults,
  scopes: ScopeTexts = WEATHER_API_SCOPES,
): ProtectedApi[] {
  return [weatherApi(defaults, scopes)];
}

function weatherApi(
  defaults: Pick<ApiDefaults, 'apiResource' | 'apiInternalUrl'>,
  scopes: ScopeTexts,
): ProtectedApi {
  return {
    name: 'weather',
    title: 'Weather API',
    resource: defaults.apiResource,
    scopes: Object.keys(scopes),
    scopeTexts: scopes,
    openapi: `${defaults.apiInternalUrl}/swagger-json`,
    baseUrl: defaults.apiInternalUrl,
    tokenTtlSeconds: undefined,
    include: undefined,
    exclude: [],
    dpop: true,
  };
}

/**
 * The weather API's entry of the list, which its role, Swagger UI and the AuthServer read. An
 * APIS_FILE may leave it out (no tools for it), yet the API role still serves it: then the
 * built-in entry describes it.
 */
export function weatherApiOf(shared: {
  readonly apis: readonly ProtectedApi[];
  readonly apiResource: string;
  readonly apiInternalUrl: string;
}): ProtectedApi {
  return (
    shared.apis.find((api) => api.resource === shared.apiResource) ??
    weatherApi(shared, WEATHER_API_SCOPES)
  );
}

/**
 * Reads and checks APIS_FILE (JSON or YAML). Every problem is returned at once, each naming the
 * file and the entry, so one start-up shows all of them.
 */
export function loadApis(
  file: string | undefined,
  defaults: ApiDefaults,
): { apis: ProtectedApi[] } | { problems: string[] } {
  if (!file) return checkedDefault(defaultApis(defaults));
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    return { problems: [`APIS_FILE ${file} cannot be read: ${(error as Error).message}`] };
  }
  const list = isRecord(raw) && Array.isArray(raw.apis) ? raw.apis : raw;
  const result = apisSchema(dirname(file), defaults.mcpResource).safeParse(list);
  if (!result.success) {
    return {
      problems: result.error.issues.map((issue) => {
        const [index, ...field] = issue.path;
        const where = typeof index === 'number' ? `entry ${index + 1}` : 'the list';
        const name = typeof index === 'number' ? entryName(list, index) : '';
        const at = field.length ? ` ${field.join('.')}` : '';
        return `APIS_FILE ${file}: ${where}${name}${at} ${issue.message}`;
      }),
    };
  }
  return {
    apis: result.data.map(({ auth, ...api }) => ({
      ...api,
      // A connected account's token is the third party's own, never bound to our key.
      ...(auth && { auth, dpop: false }),
      title: api.name,
      scopeTexts: {},
      tokenTtlSeconds: api.tokenTtlSeconds,
      include: api.include,
    })),
  };
}

/** A line added to WEATHER_API_SCOPES meets the rules an APIS_FILE entry does. */
function checkedDefault(apis: ProtectedApi[]): { apis: ProtectedApi[] } | { problems: string[] } {
  const problems = apis.flatMap((api) =>
    api.scopes
      .filter((scope) => !SCOPE_TOKEN.test(scope) || RESERVED_SCOPES.has(scope))
      .map((scope) => `the ${api.name} API's scope "${scope}" is not an API scope-token`),
  );
  return problems.length ? { problems } : { apis };
}

function entryName(list: unknown, index: number): string {
  const entry = Array.isArray(list) ? (list[index] as unknown) : undefined;
  return isRecord(entry) && typeof entry.name === 'string' ? ` ("${entry.name}")` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every scope the configured APIs define, once, in the order they are listed. */
export function apiScopes(apis: readonly ProtectedApi[]): string[] {
  return [...new Set(apis.flatMap((api) => api.scopes))];
}
