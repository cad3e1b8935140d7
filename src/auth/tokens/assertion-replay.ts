import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { OidcRecordStore } from '../../storage/oidc-records';

/** What a single-use claim needs: oidc-provider's records and their atomic consumption. */
export type SingleUseRecords = Pick<OidcRecordStore, 'upsert' | 'consume'>;

type AdapterClass = new (model: string) => Adapter;

const MODEL = 'ReplayDetection';

/**
 * Records a JWT's `jti` as used until it expires; true for exactly one caller across every
 * process on the store (RFC 7523 §3 item 7: the server may keep used `jti`s to refuse replays).
 * Upsert then an atomic claim: two racing requests both write the record, one claim wins.
 */
export async function useOnce(
  store: SingleUseRecords,
  id: string,
  ttlSeconds: number,
): Promise<boolean> {
  await store.upsert(MODEL, id, { jti: id }, Math.max(1, ttlSeconds));
  return store.consume(MODEL, id);
}

/**
 * oidc-provider's replay check for client assertions (private_key_jwt, RFC 7523 §2.2) reads
 * the record, then saves it: two requests with one assertion can both pass the read. Saving
 * through here makes the save the atomic claim, so the loser is refused as a replay.
 */
export function singleUseAssertions(Base: AdapterClass, store: SingleUseRecords): AdapterClass {
  return class SingleUseAssertions extends Base {
    constructor(private readonly modelName: string) {
      super(modelName);
    }

    override async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.modelName !== MODEL) return super.upsert(id, payload, expiresIn);
      if (!(await useOnce(store, id, expiresIn))) {
        throw new errors.InvalidClientAuth('client assertion tokens must only be used once');
      }
    }
  };
}
