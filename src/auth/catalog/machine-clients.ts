import type { AuthConfig, SharedConfig } from '../../config/config';
import type { WeatherScope } from '../../config/apis';

export const M2M_CLIENT_ID = 'm2m.client';

/**
 * A client that gets tokens for no user (client credentials, RFC 6749 §4.4). Only the operator
 * configures one: registered and metadata-document clients may not use the grant
 * (registration.policy.ts), since a token without a user must come from a known client.
 */
export interface MachineClient {
  readonly clientId: string;
  readonly name: string;
  readonly secret: string;
  /** The scopes it may ask for; each request must name one the resource has. */
  readonly scopes: readonly string[];
  /** The resources (RFC 8707) it may get tokens for; the first when a request names none. */
  readonly resources: readonly string[];
}

/** The configured machine clients: m2m.client, for the weather API and its `api` scope only. */
export function machineClients(
  shared: Pick<SharedConfig, 'apiResource'>,
  config: Pick<AuthConfig, 'clientSecrets'>,
): MachineClient[] {
  return [
    {
      clientId: M2M_CLIENT_ID,
      name: 'Machine-to-machine client',
      secret: config.clientSecrets.m2m,
      scopes: ['api' satisfies WeatherScope],
      resources: [shared.apiResource],
    },
  ];
}
