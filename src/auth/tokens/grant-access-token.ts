import type { Client, Provider } from 'oidc-provider';
import type { ResourceRegistry } from '../catalog/resources';
import { resourceServerInfo } from './resource-server';

/** What a grant decided: who the token is for, for which resource, with which scopes. */
export interface AccessTokenGrant {
  readonly client: Client;
  readonly accountId: string;
  /** The grant type recorded on the token, for audit and introspection. */
  readonly gty: string;
  readonly resource: string;
  readonly scope: string;
}

/**
 * Issues and stores an access token for one of our resources, shaped as the resource's server
 * info says, and returns the token endpoint's answer (RFC 6749 §5.1). No grant record and no
 * refresh token: the JWT bearer grants present a fresh assertion instead (RFC 7523 §2.1).
 */
export async function grantAccessToken(
  deps: { provider: Provider; resources: ResourceRegistry },
  grant: AccessTokenGrant,
) {
  const token = new deps.provider.AccessToken({
    client: grant.client,
    accountId: grant.accountId,
    grantId: '',
    gty: grant.gty,
    scope: grant.scope,
    resourceServer: new deps.provider.ResourceServer(
      grant.resource,
      resourceServerInfo(deps.resources, grant.resource),
    ),
  });
  return {
    access_token: await token.save(),
    token_type: 'Bearer',
    expires_in: token.expiration,
    scope: token.scope,
  };
}
