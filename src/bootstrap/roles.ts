import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Role } from '../config/config';
import { createMcpApp } from '../mcp/mcp.app';
import { createAuthApp } from '../auth/auth.app';
import { createSpaApp } from '../spa/spa.app';
import { createApiApp } from '../weather/api.app';
import { NotReady } from '../core/readiness';
import { RoleContext } from '../core/role-context';
import { measuredRevocations } from '../bearer/measured-revocations';
import { RevocationList } from '../storage/revocation-list';
import { dpopProofOptions } from './dpop-proofs';
import { storeAnswers } from './store-probe';
import { RevocationView } from '../storage/revocation-view';
import { AuthStore } from '../storage/store';

/** What the process holds for its roles; the store is opened on first request only. */
export interface ProcessServices {
  readonly config: AppConfig;
  store(): Promise<AuthStore>;
  /** The process's one in-memory revocation copy, shared by its resource servers. */
  revocations(): Promise<RevocationView>;
  /** Outbound HTTP for fetching documents named by URL (Client ID Metadata Documents). */
  readonly fetch: typeof fetch;
}

type RoleApp = (context: RoleContext, process: ProcessServices) => Promise<NestFastifyApplication>;

/**
 * Each role gets its own config section and only the services it needs: the AuthServer the
 * store, the resource servers a read-only revocation view (measured), the SPA host nothing.
 * A role that uses the store is ready only while the store answers.
 */
export const ROLE_APPS: Record<Role, RoleApp> = {
  auth: async (context, process) => {
    const store = await process.store();
    const revocations = new RevocationList(store);
    context.readiness.add('store', () => storeAnswers(revocations));
    return createAuthApp(context, { config: process.config.auth, store, fetch: process.fetch });
  },
  api: async (context, process) =>
    createApiApp(context, {
      config: process.config.api,
      revocations: await resourceServerRevocations(context, process),
      dpop: await resourceServerDpop(context, process),
    }),
  mcp: async (context, process) =>
    createMcpApp(context, {
      config: process.config.mcp,
      revocations: await resourceServerRevocations(context, process),
      dpop: await resourceServerDpop(context, process),
    }),
  spa: (context, process) => createSpaApp(context, { config: process.config.spa }),
};

function resourceServerDpop(context: RoleContext, process: ProcessServices) {
  return process
    .store()
    .then((store) =>
      dpopProofOptions(store, context.role, process.config.shared.dpop.requireNonce),
    );
}

async function resourceServerRevocations(
  context: RoleContext,
  process: ProcessServices,
): Promise<RevocationView> {
  // Requests read the process's in-memory copy (fed by the store's revocation feed); readiness
  // asks the store itself.
  const probe = new RevocationList(await process.store());
  context.readiness.add('store', () => storeAnswers(probe));
  const feed = await process.revocations();
  // The store may answer again before the feed has caught up (after an outage): until then a
  // token check answers 503, so the role is not ready either.
  context.readiness.add('revocations', () =>
    feed.isRevoked('readiness-probe').then(
      () => undefined,
      () => {
        throw new NotReady('the revocation feed is not current');
      },
    ),
  );
  return measuredRevocations(feed, context.metrics, context.role);
}
