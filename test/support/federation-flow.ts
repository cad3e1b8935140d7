import { TestBrowser, type FormPage } from './browser';
import { tokenRequest, type FlowTarget, type TokenResponse } from './flows';
import { pkcePair } from './pkce';

/** A sign-in of the SPA client that has gone through an upstream IdP and come back. */
export interface FederatedStep {
  /** The page it ended on: consent after a good sign-in, an error page otherwise. */
  readonly page: FormPage;
  readonly browser: TestBrowser;
  readonly verifier: string;
  readonly redirectUri: string;
}

/**
 * The SPA's authorization request for the API, then "Continue with `idpName`" on the login page,
 * with HTTP only: the browser follows the redirects to the upstream (whose login is automatic)
 * and back to our callback, and stops at the first page that renders.
 */
export async function federatedSignIn(
  sys: FlowTarget,
  idpName: string,
  scope = 'openid profile weatherget',
): Promise<FederatedStep> {
  const browser = new TestBrowser();
  const redirectUri = `${sys.urls.spa}/signin-oidc`;
  const { verifier, challenge } = pkcePair();
  const authorize = new URL(`${sys.urls.issuer}/connect/authorize`);
  authorize.search = new URLSearchParams({
    client_id: 'interactive',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: sys.urls.api,
    prompt: 'consent',
  }).toString();
  const login = await browser.navigate(authorize.href, redirectUri);
  const html = (await login.response?.text()) ?? '';
  const button = new RegExp(
    `<form method="post" action="([^"]+)">\\s*<input type="hidden" name="csrf" value="([^"]*)" />\\s*<button type="submit" class="upstream">Continue with ${idpName}</button>`,
  ).exec(html);
  if (!button) throw new Error(`no "Continue with ${idpName}" on ${login.url}`);
  const step = await browser.navigate(new URL(button[1]!, login.url).href, redirectUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: button[2]! }).toString(),
  });
  if (!step.response) throw new Error(`left for ${step.url} without a page`);
  const page = { url: step.url, status: step.response.status, html: await step.response.text() };
  return { page, browser, verifier, redirectUri };
}

/** Allows on the consent page of `step` and redeems the code for tokens. */
export async function consentAndRedeem(
  sys: FlowTarget,
  step: FederatedStep,
): Promise<TokenResponse> {
  const done = await step.browser.submit(
    step.page.url,
    step.page.html,
    { action: 'allow' },
    step.redirectUri,
  );
  const code = new URL(done.url).searchParams.get('code');
  if (!code) throw new Error(`no code in ${done.url}`);
  const response = await tokenRequest(sys, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: step.redirectUri,
    code_verifier: step.verifier,
    resource: sys.urls.api,
    client_id: 'interactive',
  });
  if (response.status !== 200) throw new Error(`token request: ${response.status}`);
  return (await response.json()) as TokenResponse;
}
