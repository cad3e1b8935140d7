import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres';
import { describeWithPostgres } from '../../../test/support/postgres-available';
import { adapterFor } from '../oidc-adapter';
import { PostgresAuthStore } from './postgres.store';
import { RevocationList } from '../revocation-list';

const GRANTS = 400;
/** The models oidc-provider's revoke() asks to revokeByGrantId, all at once with Grant destroy. */
const MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode'] as const;

/**
 * oidc-provider revokes a grant with one Promise.all: revokeByGrantId on each model and
 * destroy on the Grant, whose hook writes the grant's revocation entry. When revokeByGrantId
 * deleted every row of the grant, it could delete that entry too (7 of 3,200 on PostgreSQL).
 */
describeWithPostgres('revoking grants while tokens are issued, on PostgreSQL', () => {
  let db: TestDatabase;
  let stores: PostgresAuthStore[] = [];

  beforeAll(async () => {
    db = (await createTestDatabase())!;
    stores = [await PostgresAuthStore.connect(db.url), await PostgresAuthStore.connect(db.url)];
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  });

  it(`loses none of ${GRANTS} revocation entries`, async () => {
    const adapters = stores.map((store) => {
      const revocations = new RevocationList(store);
      return adapterFor(store, {
        onGrantRevoked: (grantId) => revocations.revokeGrant(grantId, Date.now() / 1000 + 300),
      });
    });
    const grantIds = Array.from({ length: GRANTS }, (_, i) => `grant-${i}`);
    await Promise.all(
      grantIds.map((id, i) => new adapters[i % 2]!('Grant').upsert(id, { jti: id }, 3600)),
    );

    await Promise.all(
      grantIds.flatMap((grantId, i) => {
        const Adapter = adapters[i % 2]!;
        const Other = adapters[(i + 1) % 2]!;
        return [
          // Tokens still being issued for the grant, from the other replica.
          new Other('AccessToken').upsert(`at-${i}`, { grantId }, 300),
          new Other('RefreshToken').upsert(`rt-${i}`, { grantId }, 300),
          ...MODELS.map((model) => new Adapter(model).revokeByGrantId(grantId)),
          new Adapter('Grant').destroy(grantId),
        ];
      }),
    );

    const lost = [];
    for (const grantId of grantIds) {
      if (!(await stores[0]!.isRevoked('any-jti', grantId))) lost.push(grantId);
    }
    expect(lost).toEqual([]);
  }, 60_000);
});
