import type { FactoryProvider } from '@nestjs/common';
import type { Role } from '../config/config';
import { ROLE } from '../core/health.controller';
import { Metrics } from '../core/metrics/metrics';
import { Readiness } from '../core/readiness';
import { RESOURCE_SERVER } from './bearer.tokens';
import { IssuerKeys } from './issuer-keys';
import type { ResourceServerOptions } from './resource-server.options';

/**
 * A resource server's IssuerKeys, with its fetches counted under the role and its readiness
 * check registered: the role is ready once it holds the issuer's keys.
 */
export const issuerKeysProvider: FactoryProvider<IssuerKeys> = {
  provide: IssuerKeys,
  inject: [RESOURCE_SERVER, Metrics, ROLE, Readiness],
  useFactory: (
    resource: ResourceServerOptions,
    metrics: Metrics,
    role: Role,
    readiness: Readiness,
  ): IssuerKeys => {
    const keys = new IssuerKeys(resource, { metrics, role });
    readiness.add('issuer_keys', () => keys.ready());
    return keys;
  },
};
