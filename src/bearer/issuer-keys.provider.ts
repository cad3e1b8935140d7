import type { FactoryProvider } from '@nestjs/common';
import type { Role } from '../config/config';
import { ROLE } from '../core/health.controller';
import { Metrics } from '../core/metrics/metrics';
import { Readiness } from '../core/readiness';
import { ISSUER_DISCOVERY, RESOURCE_SERVER } from './bearer.tokens';
import { type IssuerDiscovery, OidcIssuerDiscovery } from './issuer-discovery';
import { IssuerKeys } from './issuer-keys';
import type { ResourceServerOptions } from './resource-server.options';

/**
 * A resource server's IssuerKeys, read through the role's discovery, with its fetches counted
 * under the role and its readiness check registered: the role is ready once it holds the
 * issuer's keys.
 */
export const issuerKeysProvider: FactoryProvider<IssuerKeys> = {
  provide: IssuerKeys,
  inject: [ISSUER_DISCOVERY, Metrics, ROLE, Readiness],
  useFactory: (
    discovery: IssuerDiscovery,
    metrics: Metrics,
    role: Role,
    readiness: Readiness,
  ): IssuerKeys => {
    const keys = new IssuerKeys(discovery, { metrics, role });
    readiness.add('issuer_keys', () => keys.ready());
    return keys;
  },
};

/** The discovery of a role that has none of its own: OpenID Connect Discovery at the issuer. */
export const oidcDiscoveryProvider: FactoryProvider<IssuerDiscovery> = {
  provide: ISSUER_DISCOVERY,
  inject: [RESOURCE_SERVER, Metrics, ROLE],
  useFactory: (resource: ResourceServerOptions, metrics: Metrics, role: Role) =>
    new OidcIssuerDiscovery(resource.issuer, resource.issuerInternalUrl, { metrics, role }),
};
