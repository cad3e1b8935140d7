/**
 * What a resource server tells a client it refused; callers switch on `code`, never on the
 * message. RFC 6750 §3.1 codes, plus `unauthorized` for a request without credentials (whose
 * challenge names no code) and `temporarily_unavailable` (RFC 6749 §4.1.2.1) when the token
 * may be fine but cannot be verified right now; RFC 9449 §7.1 `invalid_dpop_proof` and §9
 * `use_dpop_nonce` for the proof beside a DPoP-bound token. The code is also the body's `error`.
 */
export type BearerErrorCode =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'temporarily_unavailable';

export interface BearerErrorDetails {
  /** insufficient_scope: every scope the operation needs (RFC 6750 §3 `scope`). */
  readonly scope?: string;
  /**
   * invalid_token about DPoP (a bound token presented as Bearer, a proof key that is not the
   * bound one): the DPoP challenge (RFC 9449 §7.1) carries the error, not only the Bearer one.
   */
  readonly aboutDpop?: boolean;
  /** use_dpop_nonce: the nonce to sign into the next proof (RFC 9449 §9 `DPoP-Nonce`). */
  readonly dpopNonce?: string;
}

export class BearerError extends Error {
  override readonly name = 'BearerError';
  readonly scope: string | undefined;
  readonly aboutDpop: boolean;
  readonly dpopNonce: string | undefined;

  constructor(
    readonly code: BearerErrorCode,
    message: string,
    details: BearerErrorDetails = {},
  ) {
    super(message);
    this.scope = details.scope;
    this.aboutDpop = details.aboutDpop ?? false;
    this.dpopNonce = details.dpopNonce;
  }
}
