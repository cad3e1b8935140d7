/**
 * DPoP (RFC 9449) as every role agrees on it. Proofs are signed with asymmetric keys only:
 * RFC 9449 §11.6 forbids `none` and MAC algorithms, since the verifier would need the secret.
 * The AuthServer advertises this list (`dpop_signing_alg_values_supported`, §5.1) and the
 * resource servers name it in their challenges (`algs`, §7.1) and accept nothing else.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;

/**
 * How far a proof's `iat` may be from the server's clock, either way (RFC 9449 §11.1): a proof
 * is remembered by its `jti` this long past its `iat`, so a replay inside the window is seen.
 */
export const DPOP_PROOF_WINDOW_SECONDS = 60;

/** The name the stored DPoP nonce secret has in server_secrets (shared by every replica). */
export const DPOP_NONCE_SECRET_NAME = 'dpop_nonce_secret';
