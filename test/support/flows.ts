import { TestBrowser } from './browser';
import { dpopProof, type DpopKey } from './dpop';
import { basicAuth, pkcePair } from './pkce';
import type { TestUrls } from './system';

/** Where the flows go: a TestSystem, or the URLs of roles running elsewhere. */
export interface FlowTarget {
  readonly urls: Pick<TestUrls, 'issuer' | 'spa' | 'api'>;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export interface CodeFlowOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  scope?: string;
  resources?: string[];
  username?: string;
  password?: string;
  browser?: TestBrowser;
  /** Where to reach the AuthServer when that is not its public URL. */
  authServer?: string;
  /** Asks for a DPoP-bound access token: the token request carries a proof by this key. */
  dpop?: DpopKey;
}

/**
 * The pre-registered confidential `mcpclient` (CONTRACT.md) signs alice in for the MCP server's
 * resource, as an MCP client would, with `scope` and any other option of `codeFlow`.
 */
export function mcpClientFlow(
  sys: FlowTarget & { readonly urls: Pick<TestUrls, 'mcp'> },
  scope: string,
  options: CodeFlowOptions = {},
): Promise<TokenResponse> {
  return codeFlow(sys, {
    clientId: 'mcpclient',
    clientSecret: 'mcpclient_secret',
    redirectUri: 'http://localhost:3334/oauth/callback',
    scope,
    resources: [`${sys.urls.mcp}/mcp`],
    ...options,
  });
}

/** Authorization code + PKCE over raw HTTP, the way a public or confidential client does it. */
export async function codeFlow(
  sys: FlowTarget,
  options: CodeFlowOptions = {},
): Promise<TokenResponse> {
  const authServer = options.authServer ?? sys.urls.issuer;
  const clientId = options.clientId ?? 'interactive';
  const redirectUri = options.redirectUri ?? `${sys.urls.spa}/signin-oidc`;
  const resources = options.resources ?? [sys.urls.api];
  const { verifier, challenge } = pkcePair();
  const authorize = new URL(`${authServer}/connect/authorize`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile email weatherget offline_access',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();
  for (const resource of resources) authorize.searchParams.append('resource', resource);

  const browser = options.browser ?? new TestBrowser();
  const callback = await browser.authorize(authorize.href, {
    redirectUri,
    username: options.username,
    password: options.password,
  });
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);

  const response = await tokenRequest(
    { urls: { ...sys.urls, issuer: authServer } },
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      ...(resources[0] ? { resource: resources[0] } : {}),
      ...(options.clientSecret ? {} : { client_id: clientId }),
    },
    options.clientSecret ? basicAuth(clientId, options.clientSecret) : undefined,
    options.dpop
      ? { dpop: await dpopProof(options.dpop, 'POST', `${authServer}/connect/token`) }
      : {},
  );
  if (response.status !== 200)
    throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

export function tokenRequest(
  sys: { readonly urls: Pick<TestUrls, 'issuer'> },
  params: Record<string, string>,
  authorization?: string,
  headers: Record<string, string> = {},
) {
  return fetch(`${sys.urls.issuer}/connect/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
      ...headers,
    },
    body: new URLSearchParams(params).toString(),
  });
}

/** RFC 8693 §2.1: `subjectToken` (an access token) for a token of `resource`. */
export function tokenExchangeForm(subjectToken: string, resource: string): Record<string, string> {
  return {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    resource,
  };
}

/** The MCP server's token exchange for the API, with its development secret. */
export function mcpServerExchange(
  sys: FlowTarget,
  subjectToken: string,
  headers: Record<string, string> = {},
) {
  return tokenRequest(
    sys,
    tokenExchangeForm(subjectToken, sys.urls.api),
    basicAuth('mcp.server', 'mcp_server_dev_secret'),
    headers,
  );
}

export function getWeather(sys: FlowTarget, token?: string) {
  return fetch(`${sys.urls.api}/WeatherForecast`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** Starts a sign-in as the SPA client and stops at the AuthServer's login page. */
export async function openLoginPage(sys: FlowTarget, browser = new TestBrowser()) {
  const { challenge } = pkcePair();
  const authorize = new URL(`${sys.urls.issuer}/connect/authorize`);
  authorize.search = new URLSearchParams({
    client_id: 'interactive',
    response_type: 'code',
    redirect_uri: `${sys.urls.spa}/signin-oidc`,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const page = await browser.navigate(authorize.href, sys.urls.spa);
  return { browser, url: page.url, html: await page.response!.text() };
}
