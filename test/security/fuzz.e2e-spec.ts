import { codeFlow, openLoginPage } from '../support/flows';
import { PRODUCTION_ENV } from '../support/production-env';
import { startTestSystem, TestSystem } from '../support/system';
import { hostileForm, hostileJson, hostileString, Prng } from './hostile';

const SEED = 0x8f1d2e3c;
const REQUESTS = 240;
const CONCURRENCY = 4;
/** One request's bound: far above normal answers, far below a ReDoS stall. */
const BOUND_MS = 2000;

const OAUTH_PARAMS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'resource',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'subject_token',
  'subject_token_type',
  'audience',
  'client_secret',
  'request',
  'request_uri',
];
const FORM_FIELDS = ['username', 'password', 'action', 'csrf', 'remember'];

interface Target {
  readonly sys: TestSystem;
  readonly interactionUrl: string;
  readonly interactionCookies: string;
  /** The login page's CSRF token, so fuzzed forms get past the CSRF check to the fields. */
  readonly csrf: string;
  readonly mcpToken: string;
}

type Shot = (rng: Prng, target: Target) => { url: string; init: RequestInit };

const form = (body: URLSearchParams, cookie = ''): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  body: body.toString(),
});
const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});
const jsonText = (rng: Prng) =>
  rng.int(6) === 0 ? hostileString(rng) : JSON.stringify(hostileJson(rng));

const SHOTS: readonly Shot[] = [
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/connect/authorize?${hostileForm(rng, OAUTH_PARAMS).toString()}`,
    init: {},
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/connect/authorize`,
    init: form(hostileForm(rng, OAUTH_PARAMS)),
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/request`,
    init: form(hostileForm(rng, OAUTH_PARAMS)),
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/connect/token`,
    init: form(hostileForm(rng, OAUTH_PARAMS)),
  }),
  (rng, { sys }) => ({ url: `${sys.urls.issuer}/connect/register`, init: json(jsonText(rng)) }),
  (rng, { sys, interactionUrl, interactionCookies, csrf }) => ({
    url: `${interactionUrl}/${rng.pick(['login', 'confirm'])}`,
    init: {
      ...form(hostileForm(rng, FORM_FIELDS, rng.int(4) > 0 ? { csrf } : {}), interactionCookies),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: interactionCookies,
        origin: sys.urls.issuer,
      },
    },
  }),
  (rng, { sys }) => ({
    url: `${sys.urls.issuer}/interaction/${encodeURIComponent(Buffer.from(hostileString(rng).slice(0, 200)).toString())}/login`,
    init: form(hostileForm(rng, FORM_FIELDS)),
  }),
  (rng, { sys, mcpToken }) => ({
    url: `${sys.urls.mcp}/mcp`,
    init: json(jsonText(rng), {
      accept: 'application/json, text/event-stream',
      ...(rng.int(3) > 0 ? { authorization: `Bearer ${mcpToken}` } : {}),
    }),
  }),
];

interface Outcome {
  readonly label: string;
  readonly status: number;
  readonly ms: number;
}

async function fire(rng: Prng, target: Target, index: number): Promise<Outcome> {
  const shot = SHOTS[index % SHOTS.length]!(rng, target);
  const label = `#${index} ${shot.init.method ?? 'GET'} ${shot.url.slice(0, 80)}`;
  const started = performance.now();
  try {
    const response = await fetch(shot.url, {
      ...shot.init,
      redirect: 'manual',
      signal: AbortSignal.timeout(BOUND_MS * 3),
    });
    await response.arrayBuffer();
    return { label, status: response.status, ms: performance.now() - started };
  } catch (error) {
    // A refused or reset connection counts as a failure, like a 5xx.
    return { label: `${label} (${String(error)})`, status: 599, ms: performance.now() - started };
  }
}

/** Runs the shots with a few in flight; each shot's inputs come from the seeded generator. */
async function fuzz(target: Target, seed: number, count: number): Promise<Outcome[]> {
  const rng = new Prng(seed);
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      outcomes.push(await fire(rng, target, index));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

async function prepare(sys: TestSystem): Promise<Target> {
  const { browser, url, html } = await openLoginPage(sys);
  const tokens = await codeFlow(sys, {
    resources: [`${sys.urls.mcp}/mcp`],
    scope: 'openid weatherget',
  });
  return {
    sys,
    interactionUrl: url.replace(/\/$/, ''),
    interactionCookies: browser.jar.header(url),
    csrf: /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '',
    mcpToken: tokens.access_token,
  };
}

describe.each([
  ['development', {}, REQUESTS],
  ['production', PRODUCTION_ENV, REQUESTS / 2],
])('seeded fuzz run (%s mode)', (_mode, env, count) => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ env: { ROLES: 'auth,api,mcp', ...env } });
  });
  afterAll(() => sys?.close());

  it(`${count} hostile requests: no 5xx, each within ${BOUND_MS} ms, healthy after`, async () => {
    // Production has no development users: there, the form and MCP shots go without a
    // session or token, and exercise the checks in front of them.
    const target = await prepare(sys).catch(() => ({
      sys,
      interactionUrl: `${sys.urls.issuer}/interaction/none`,
      interactionCookies: '',
      csrf: '',
      mcpToken: 'x',
    }));
    const outcomes = await fuzz(target, SEED, count);
    expect(outcomes).toHaveLength(count);
    expect(outcomes.filter((o) => o.status >= 500).map((o) => `${o.status} ${o.label}`)).toEqual(
      [],
    );
    expect(
      outcomes.filter((o) => o.ms > BOUND_MS).map((o) => `${Math.round(o.ms)} ms ${o.label}`),
    ).toEqual([]);
    for (const url of [sys.urls.issuer, sys.urls.api, sys.urls.mcp]) {
      expect((await fetch(`${url}/health`)).status).toBe(200);
    }
  }, 90_000);
});
