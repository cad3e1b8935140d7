/** What the SPA needs to know about the servers it talks to. */
export interface SpaConfig {
  readonly authority: string;
  readonly clientId: string;
  readonly apiBaseUrl: string;
  readonly mcpBaseUrl: string;
  /** What to ask for at sign-in: the server's list of scopes, from /spa-config.json. */
  readonly scope: string;
  /** RFC 8707 resource indicator of the API: its base URL. */
  readonly apiResource: string;
  /** RFC 8707 resource indicator of the MCP server: its MCP endpoint. */
  readonly mcpResource: string;
}

/** The keys a deployment may set, at build time (VITE_*) or at run time (/spa-config.json). */
export interface ConfigInput {
  readonly authority?: string | undefined;
  readonly clientId?: string | undefined;
  readonly apiBaseUrl?: string | undefined;
  readonly mcpBaseUrl?: string | undefined;
  readonly scope?: string | undefined;
}

/** The contract's defaults (shared/CONTRACT.md). */
export const CONTRACT_DEFAULTS = {
  authority: 'http://localhost:5001',
  clientId: 'interactive',
  apiBaseUrl: 'http://localhost:5000',
  mcpBaseUrl: 'http://localhost:8010',
  // The API scopes are the server's to say (/spa-config.json, from its APIs list); without it
  // the SPA can still sign in.
  scope: 'openid profile email offline_access',
} as const satisfies Required<ConfigInput>;

export const RUNTIME_CONFIG_PATH = '/spa-config.json';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_SPA_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid SPA configuration: ${problems.join('; ')}`);
  }
}

const KEYS = ['authority', 'clientId', 'apiBaseUrl', 'mcpBaseUrl', 'scope'] as const;
type Key = (typeof KEYS)[number];
const URL_KEYS: ReadonlySet<Key> = new Set(['authority', 'apiBaseUrl', 'mcpBaseUrl']);

/** RFC 6749 §3.3: scope-tokens (printable ASCII but space, `"` and `\`), space-separated. */
const SCOPE_LIST = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

export function configFromViteEnv(env: ImportMetaEnv): ConfigInput {
  return {
    authority: env.VITE_AUTHORITY,
    clientId: env.VITE_CLIENT_ID,
    apiBaseUrl: env.VITE_API_BASE_URL,
    mcpBaseUrl: env.VITE_MCP_BASE_URL,
    scope: env.VITE_SCOPE,
  };
}

/**
 * Layers the inputs left to right (later wins, empty strings count as unset) over the contract
 * defaults, then validates once. Issuer and resource identifiers are compared byte for byte
 * (RFC 8414 §3.3, RFC 8707 §2), so trailing slashes are removed here and nowhere else.
 */
export function resolveConfig(...layers: readonly ConfigInput[]): SpaConfig {
  const merged: Record<Key, string> = { ...CONTRACT_DEFAULTS };
  for (const layer of layers) {
    for (const key of KEYS) {
      const value = layer[key]?.trim();
      if (value) merged[key] = value;
    }
  }

  const problems: string[] = [];
  for (const key of KEYS) {
    if (!URL_KEYS.has(key)) continue;
    const problem = urlProblem(merged[key]);
    if (problem) problems.push(`${key} ${problem}`);
    merged[key] = merged[key].replace(/\/+$/, '');
  }
  merged.scope = merged.scope.split(/\s+/).filter(Boolean).join(' ');
  if (!SCOPE_LIST.test(merged.scope))
    problems.push(`scope is not a list of scopes: ${merged.scope}`);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...merged,
    apiResource: merged.apiBaseUrl,
    mcpResource: `${merged.mcpBaseUrl}/mcp`,
  };
}

function urlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is not a URL: ${raw}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http(s): ${raw}`;
  if (url.search || url.hash) return `must not have a query or fragment: ${raw}`;
  return undefined;
}

/** Accepts the runtime file's JSON, keeping only known string keys; anything else is an error. */
export function parseRuntimeConfig(json: unknown): ConfigInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError([`${RUNTIME_CONFIG_PATH} must hold a JSON object`]);
  }
  const record = json as Record<string, unknown>;
  const input: Partial<Record<Key, string>> = {};
  const problems: string[] = [];
  for (const key of KEYS) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') input[key] = value;
    else problems.push(`${key} in ${RUNTIME_CONFIG_PATH} must be a string`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return input;
}

/**
 * The server that hosts the built SPA may describe where the other roles live (the e2e tests
 * run them on random ports). A 404 means "no runtime config": the build-time values apply.
 * Dev servers answer unknown paths with index.html, so only a JSON body counts.
 */
export async function fetchRuntimeConfig(
  fetchFn: typeof fetch = fetch,
): Promise<ConfigInput | undefined> {
  const response = await fetchFn(RUNTIME_CONFIG_PATH, {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  });
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new ConfigError([`GET ${RUNTIME_CONFIG_PATH} answered ${response.status}`]);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) return undefined;
  return parseRuntimeConfig(await response.json());
}

export async function loadConfig(
  env: ImportMetaEnv,
  fetchFn: typeof fetch = fetch,
): Promise<SpaConfig> {
  const runtime = await fetchRuntimeConfig(fetchFn);
  return resolveConfig(configFromViteEnv(env), runtime ?? {});
}
