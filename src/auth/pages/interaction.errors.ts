/** Why an interaction request is refused; the filter turns each code into a page and status. */
export type InteractionErrorCode =
  /** The form was posted from another origin (Origin header not ours). */
  | 'cross_site_form'
  /** The form's CSRF token is missing or not the one issued for this interaction. */
  | 'expired_form'
  /** A form field is missing its type, repeated, too long or not one of the allowed values. */
  | 'invalid_form'
  /** A page's query parameter is repeated or not a value the page itself would link to. */
  | 'invalid_link'
  /** oidc-provider has no interaction for this browser (cookie gone, expired, finished). */
  | 'session_not_found'
  /** The browser's current interaction is not the one in the URL (an old tab). */
  | 'other_interaction';

export class InteractionError extends Error {
  constructor(
    readonly code: InteractionErrorCode,
    /** Shown to the user: must say what to do, and hold no secret. */
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'InteractionError';
  }
}
