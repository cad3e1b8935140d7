/** The tab holds no usable session: no user, or tokens that can no longer be renewed. */
export class SessionExpiredError extends Error {
  override readonly name = 'SessionExpiredError';
  readonly code = 'ERR_SESSION_EXPIRED';
  constructor(reason = 'no signed-in user in this tab') {
    super(reason);
  }
}
