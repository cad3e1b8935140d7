import { TestBrowser } from './browser';
import { tokenRequest, type TokenResponse } from './flows';
import { pkcePair } from './pkce';

/** Where an AuthServer (one of several sharing a store) answers, and its public issuer. */
export interface Replica {
  readonly issuer: string;
  readonly url: string;
}

/**
 * Authorization codes for the SPA client, signing in once with one browser: after the first
 * consent the grant covers the request and each authorization answers with a code at once.
 */
export function codeSource(issuer: string, spa: string, api: string) {
  const browser = new TestBrowser();
  const redirectUri = `${spa}/signin-oidc`;
  return async (scope = 'openid weatherget') => {
    const { verifier, challenge } = pkcePair();
    const url = new URL(`${issuer}/connect/authorize`);
    url.search = new URLSearchParams({
      client_id: 'interactive',
      response_type: 'code',
      redirect_uri: redirectUri,
      scope,
      resource: api,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const callback = await browser.authorize(url.href, { redirectUri });
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code in ${callback.href}`);
    return {
      code,
      params: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: 'interactive',
        resource: api,
      },
    };
  };
}

/** POSTs the same token request to every replica at once; statuses and bodies, in order. */
export async function raceTokenRequests(
  replicas: readonly string[],
  params: Record<string, string>,
) {
  return Promise.all(
    replicas.map(async (url) => {
      const response = await tokenRequest({ urls: { issuer: url } }, params);
      return {
        status: response.status,
        body: (await response.json()) as Partial<TokenResponse> & { error?: string },
      };
    }),
  );
}
