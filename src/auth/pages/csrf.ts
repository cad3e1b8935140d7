import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Interaction forms carry an HMAC of the interaction id under a server key. The interaction
 * cookie is SameSite=Lax, so a cross-site POST arrives without it; the token also binds each
 * form to the one interaction it was rendered for. The account page's forms are bound the same
 * way to the browser's sign-in session (its uid), under their own label.
 */
export class CsrfTokens {
  constructor(private readonly key: string) {}

  issue(interactionUid: string): string {
    return this.sign(`interaction:${interactionUid}`);
  }

  verify(interactionUid: string, token: unknown): boolean {
    return this.matches(`interaction:${interactionUid}`, token);
  }

  issueForSession(sessionUid: string): string {
    return this.sign(`session:${sessionUid}`);
  }

  verifyForSession(sessionUid: string, token: unknown): boolean {
    return this.matches(`session:${sessionUid}`, token);
  }

  private sign(subject: string): string {
    return createHmac('sha256', this.key).update(subject).digest('base64url');
  }

  private matches(subject: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.sign(subject));
    const actual = Buffer.from(token);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
