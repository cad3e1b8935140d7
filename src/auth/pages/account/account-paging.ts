import type { GrantCursor } from '../../../storage/oidc-records';
import { InteractionError } from '../interaction.errors';

/**
 * The `before` parameter of the account page's link to older apps: the `iat` and id of the
 * last app on the page before, as `<iat>.<grant id>`. oidc-provider's ids are base64url.
 */
const CURSOR = /^(\d{1,15})\.([A-Za-z0-9_-]{1,128})$/;

export function cursorParam(cursor: GrantCursor): string {
  return `${cursor.iat}.${cursor.grantId}`;
}

/** Absent: the newest apps. Anything but one well-formed value is refused before any lookup. */
export function parseCursor(value: unknown): GrantCursor | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? CURSOR.exec(value) : null;
  if (!match) {
    throw new InteractionError('invalid_link', 'The link to older apps is not valid.');
  }
  return { iat: Number(match[1]), grantId: match[2]! };
}
