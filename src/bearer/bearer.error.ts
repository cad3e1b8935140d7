/**
 * What a resource server tells a client it refused; callers switch on `code`, never on the
 * message. RFC 6750 §3.1 codes, plus `unauthorized` for a request without credentials (whose
 * challenge names no code) and `temporarily_unavailable` (RFC 6749 §4.1.2.1) when the token
 * may be fine but cannot be verified right now. The code is also the body's `error`.
 */
export type BearerErrorCode =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable';

export interface BearerErrorDetails {
  /** insufficient_scope: every scope the operation needs (RFC 6750 §3 `scope`). */
  readonly scope?: string;
  /**
   * invalid_token for a token bound to a key: a DPoP challenge (RFC 9449 §7.1) accompanies the
   * Bearer one, naming these proof algorithms (none named when empty).
   */
  readonly dpopAlgs?: readonly string[];
}

export class BearerError extends Error {
  override readonly name = 'BearerError';
  readonly scope: string | undefined;
  readonly dpopAlgs: readonly string[] | undefined;

  constructor(
    readonly code: BearerErrorCode,
    message: string,
    details: BearerErrorDetails = {},
  ) {
    super(message);
    this.scope = details.scope;
    this.dpopAlgs = details.dpopAlgs;
  }
}
