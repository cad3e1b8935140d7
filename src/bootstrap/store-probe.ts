import { NotReady } from '../core/readiness';
import { RevocationView } from '../storage/revocation-view';

/** A `jti` no token carries: the lookup touches the revocation tables and finds nothing. */
const PROBE_JTI = 'readiness-probe';

/**
 * Whether the store answers, asked the way the roles use it: one revocation lookup, the read
 * every resource server makes per request and the AuthServer's cheapest round trip.
 */
export async function storeAnswers(view: RevocationView): Promise<void> {
  try {
    await view.isRevoked(PROBE_JTI, undefined);
  } catch (error) {
    throw new NotReady('the store did not answer', { cause: error });
  }
}
