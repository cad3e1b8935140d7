import type { DpopProofOptions } from '../bearer/dpop-proof.check';
import { DpopNonces } from '../bearer/dpop-nonce';
import type { Role } from '../config/config';
import { dpopNonceKey } from '../storage/dpop-nonce-secret';
import type { AuthStore } from '../storage/store';

/** A resource server's DPoP proof options: the shared store of seen proofs, nonces if asked. */
export async function dpopProofOptions(
  store: AuthStore,
  role: Role,
  requireNonce: boolean,
): Promise<DpopProofOptions> {
  if (!requireNonce) return { proofIds: store };
  return { proofIds: store, nonces: new DpopNonces(await dpopNonceKey(store, role)) };
}
