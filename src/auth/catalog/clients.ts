import type { ClientMetadata } from 'oidc-provider';
import type { AuthConfig, SharedConfig } from '../../config/config';
import { SCOPE, SCOPES } from '../../config/protocol';
import { accountClient } from './account-client';
import { JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT, WORKLOAD_CLIENT_ID } from './grant-types';
import { nameSkeleton } from './client-name';
import { machineClients } from './machine-clients';
import type { ResourceRegistry } from './resources';

/**
 * The contract's pre-registered clients (the machine clients come from machine-clients.ts),
 * plus four of our own: the terminal's and Swagger UI's public clients, the MCP server's
 * confidential client for token exchange, and the account page's sign-in.
 */
export function seedClients(
  shared: SharedConfig,
  config: AuthConfig,
  resources: ResourceRegistry,
): ClientMetadata[] {
  const { clientIds } = shared;
  // Interactive clients may ask for the OpenID scopes and every scope of every resource.
  const everyScope = [...new Set([...SCOPES, ...resources.scopes])].join(' ');
  return [
    {
      client_id: clientIds.interactive,
      client_name: 'Weather SPA',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${shared.spaUrl}/signin-oidc`],
      post_logout_redirect_uris: [`${shared.spaUrl}/signout-callback-oidc`],
      scope: everyScope,
    },
    {
      client_id: 'mcpclient',
      client_name: 'MCP client',
      client_secret: config.clientSecrets.mcpclient,
      // "native" lets the loopback callback match on any port (RFC 8252 §7.3).
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_basic',
      // Token exchange: its ID token for ID-JAGs to other servers the operator allowed (SEP-990).
      grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT],
      response_types: ['code'],
      redirect_uris: ['http://localhost:3334/oauth/callback'],
      scope: everyScope,
    },
    {
      // scripts/get-token.mjs: a public native client, so nothing secret ships with the script
      // (RFC 8252 §8.4); PKCE protects the code. Loopback IP literal, any port (RFC 8252 §7.3).
      client_id: 'cli',
      client_name: 'Terminal sign-in (scripts/get-token.mjs)',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/oauth/callback'],
      scope: [SCOPE.openid, SCOPE.profile, SCOPE.email, ...resources.api.scopes].join(' '),
    },
    {
      client_id: clientIds.swagger,
      client_name: 'Weather API Swagger UI',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [`${shared.apiBaseUrl}/swagger/oauth2-redirect.html`],
      scope: resources.api.scopes.join(' '),
    },
    ...machineClients(shared, config).map((machine): ClientMetadata => ({
      client_id: machine.clientId,
      client_name: machine.name,
      client_secret: machine.secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: machine.scopes.join(' '),
    })),
    {
      client_id: clientIds.mcpServer,
      client_name: 'MCP server (token exchange)',
      ...mcpServerCredential(config),
      grant_types: [TOKEN_EXCHANGE_GRANT],
      response_types: [],
      redirect_uris: [],
      // What it may exchange for: a token for any configured API.
      scope: [...new Set(resources.apis.flatMap((r) => r.scopes))].join(' '),
    },
    {
      // "No client" on the JWT bearer grant (workload/anonymous-assertions.ts): the assertion
      // is the credential, and the trust rules decide resources and scopes.
      client_id: WORKLOAD_CLIENT_ID,
      client_name: 'Federated workloads (SEP-1933)',
      token_endpoint_auth_method: 'none',
      grant_types: [JWT_BEARER_GRANT],
      response_types: [],
      redirect_uris: [],
      scope: [...new Set(resources.all.flatMap((r) => r.scopes))].join(' '),
    },
    accountClient(shared),
  ];
}

/**
 * With a configured key the MCP server proves itself with a signed assertion (private_key_jwt,
 * RFC 7523 §2.2) and holds no secret the AuthServer could leak; otherwise client_secret_basic.
 */
function mcpServerCredential(config: AuthConfig): Omit<ClientMetadata, 'client_id'> {
  const key = config.mcpServerKey;
  if (!key) {
    return {
      client_secret: config.clientSecrets.mcpServer,
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }
  return {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: key.alg,
    jwks: { keys: [{ ...key }] },
  };
}

/**
 * Clients the operator configured or added, as opposed to registered (RFC 7591) or CIMD ones.
 */
export class ConfiguredClients {
  /** Their client ids. */
  readonly ids: ReadonlySet<string>;
  /** The confusable skeletons of their display names, so look-alikes can be refused. */
  private readonly names: ReadonlySet<string>;

  /** `operator`: whether an id is a machine client the operator added (machine-directory.ts). */
  constructor(
    readonly metadata: readonly ClientMetadata[],
    private readonly operator: (clientId: string) => boolean = () => false,
  ) {
    this.ids = new Set(metadata.map((c) => c.client_id));
    this.names = new Set(
      metadata.flatMap((c) =>
        typeof c.client_name === 'string' ? [nameSkeleton(c.client_name)] : [],
      ),
    );
  }

  has(clientId: string): boolean {
    return this.ids.has(clientId) || this.operator(clientId);
  }

  /** Whether `name` looks like a configured client's name (client-name.ts). */
  nameTaken(name: string): boolean {
    return this.names.has(nameSkeleton(name));
  }
}
