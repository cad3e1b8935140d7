// Authorization code + PKCE as alice through the real login and consent forms, for the bench's
// user tokens: the soak's browser, whose requests the bench does not record.
import { Browser, signIn } from '../lib/browser.mjs';

const ALICE = { name: 'alice', password: 'alice' };

export function codeFlow({ issuer, redirectUri, resource, scope, clientId = 'interactive', dpop }) {
  return signIn(new Browser(), {
    issuer,
    clientId,
    redirectUri,
    scope,
    resource,
    user: ALICE,
    dpop,
  });
}
