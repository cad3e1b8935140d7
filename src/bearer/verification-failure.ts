import { BearerError } from './bearer.error';
import { TokenRejection } from './token-rejection';

/**
 * What the client is told about a token that did not verify: the reason's own message for our
 * TokenRejections, temporarily_unavailable when the failure is ours, and otherwise the verdict
 * of jsonwebtoken (through passport-jwt), by error class name.
 */
export function bearerErrorOf(reason: unknown): BearerError {
  if (reason instanceof BearerError) return reason;
  if (reason instanceof TokenRejection) return new BearerError('invalid_token', reason.message);
  if (cannotVerifyNow(reason)) {
    // No keys or no current revocation list: the token may be fine, so this is ours.
    return new BearerError('temporarily_unavailable', 'access tokens cannot be verified right now');
  }
  const name = reason instanceof Error ? reason.name : '';
  return new BearerError(
    'invalid_token',
    name === 'TokenExpiredError' ? 'token expired' : 'token invalid',
  );
}

/**
 * Failures on our side: the issuer's discovery document or JWKS unavailable (IssuerUnavailable),
 * a Node system error (ECONNREFUSED, ETIMEDOUT, ...), a revocation list that is not current
 * (RevocationUnavailable, fail closed). An unknown `kid` is a TokenRejection, handled before.
 */
function cannotVerifyNow(reason: unknown): boolean {
  // Shape, not instanceof: Node's system errors may come from another realm (test runners).
  if (typeof reason !== 'object' || reason === null) return false;
  const { name, code } = reason as { name?: unknown; code?: unknown };
  if (name === 'IssuerUnavailable' || name === 'RevocationUnavailable') {
    return true;
  }
  return typeof code === 'string' && /^E[A-Z_]+$/.test(code);
}
