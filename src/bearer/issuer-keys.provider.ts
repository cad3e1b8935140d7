import type { Provider } from '@nestjs/common';
import type { RoleContext } from '../core/role-context';
import { IssuerKeys, IssuerKeysOptions } from './issuer-keys';

/**
 * A resource server's IssuerKeys as a Nest provider, with its fetches counted under the role
 * and its readiness check registered: the role is ready once it holds the issuer's keys.
 */
export function issuerKeysProvider(options: IssuerKeysOptions, context: RoleContext): Provider {
  const keys = new IssuerKeys(options, { metrics: context.metrics, role: context.role });
  context.readiness.add('issuer_keys', () => keys.ready());
  return { provide: IssuerKeys, useValue: keys };
}
