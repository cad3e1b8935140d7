import type { Role } from '../config/config';
import { Metrics, secondsSince } from '../core/metrics/metrics';
import { RevocationView } from '../storage/revocation-view';

/**
 * The revocation view as a resource server uses it, with each lookup's latency and outcome
 * recorded: every authenticated request waits on one, so its latency is the store's cost on
 * the hot path. (There is no revocation feed to lag yet: the list is read on every request.)
 */
export function measuredRevocations(
  view: RevocationView,
  metrics: Metrics,
  role: Role,
): RevocationView {
  return {
    async isRevoked(jti, grantId) {
      const start = performance.now();
      try {
        const revoked = await view.isRevoked(jti, grantId);
        metrics.revocationCheck(role, revoked ? 'revoked' : 'valid', secondsSince(start));
        return revoked;
      } catch (error) {
        metrics.revocationCheck(role, 'error', secondsSince(start));
        throw error;
      }
    },
  };
}
