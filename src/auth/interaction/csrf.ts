import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Interaction forms carry an HMAC of the interaction id under a server key. The interaction
 * cookie is SameSite=Lax, so a cross-site POST arrives without it; the token also binds each
 * form to the one interaction it was rendered for.
 */
export class CsrfTokens {
  constructor(private readonly key: string) {}

  issue(interactionUid: string): string {
    return createHmac('sha256', this.key)
      .update(`interaction:${interactionUid}`)
      .digest('base64url');
  }

  verify(interactionUid: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.issue(interactionUid));
    const actual = Buffer.from(token);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
