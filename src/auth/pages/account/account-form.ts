import { textField } from '../interaction-forms';
import { InteractionError } from '../interaction.errors';

/** oidc-provider's grant ids are 43 characters; anything much longer is not one. */
const LIMITS = { csrf: 128, grant: 128 } as const;

export interface RevokeForm {
  readonly csrf: string | undefined;
  readonly grantId: string;
}

/** The revoke form's fields, checked for type and length before any lookup. */
export function parseRevokeForm(body: unknown): RevokeForm {
  const grantId = textField(body, 'grant', LIMITS.grant);
  if (!grantId) throw new InteractionError('invalid_form', 'The form names no app to revoke.');
  return { csrf: textField(body, 'csrf', LIMITS.csrf), grantId };
}

/**
 * The page's forms must come from the page: the browser's Origin, when it sends one, is ours,
 * and the form carries the token bound to this browser's session (the session cookie is
 * SameSite=Lax, and some posts come without Origin).
 */
export function assertSameSiteForm(
  origin: string | undefined,
  ownOrigin: string,
  tokenValid: boolean,
): void {
  if (origin !== undefined && origin !== ownOrigin) {
    throw new InteractionError('cross_site_form', 'The form was posted from another site.');
  }
  if (!tokenValid) {
    throw new InteractionError('expired_form', 'The page has expired. Open your account again.');
  }
}
