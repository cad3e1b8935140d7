import type { Adapter, AdapterPayload, Provider } from 'oidc-provider';
import type { OidcRecordStore } from '../../storage/oidc-records';

type AdapterClass = new (model: string) => Adapter;

/**
 * Registered clients are stored with an expiry (RFC 7591 leaves their lifetime to the server):
 * a registration nobody ever uses disappears after `ttlSeconds`. Only oidc-provider's own
 * registration stores clients through the adapter; configured clients are never stored.
 */
export function expiringClientRegistrations(Base: AdapterClass, ttlSeconds: number): AdapterClass {
  return class ExpiringRegistrations extends Base {
    constructor(private readonly modelName: string) {
      super(modelName);
    }

    override upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const ttl = this.modelName === 'Client' ? (expiresIn ?? ttlSeconds) : expiresIn;
      return super.upsert(id, payload, ttl);
    }
  };
}

/**
 * The first token a registered client obtains makes its registration permanent: it is stored
 * again without an expiry, straight through the store so the adapter adds none. Once per
 * client per process.
 */
export function keepUsedRegistrations(
  provider: Provider,
  store: Pick<OidcRecordStore, 'upsert'>,
  isConfigured: (clientId: string) => boolean,
): void {
  const kept = new Set<string>();
  provider.on('grant.success', (ctx) => {
    const client = ctx.oidc.client;
    if (!client || isConfigured(client.clientId) || kept.has(client.clientId)) return;
    // Metadata-document clients (an https client_id) are not stored at all.
    if (URL.canParse(client.clientId)) return;
    kept.add(client.clientId);
    // If the write fails the registration keeps its expiry; the client's next token retries.
    void store.upsert('Client', client.clientId, client.metadata()).catch(() => {
      kept.delete(client.clientId);
    });
  });
}
