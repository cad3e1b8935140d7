import { DynamicModule, Module } from '@nestjs/common';
import type { McpConfig } from '../config/config';
import { CoreModule } from '../core/core.module';
import { RoleContext } from '../core/role-context';
import { BearerModule } from '../bearer/bearer.module';
import type { DpopProofOptions } from '../bearer/dpop-proof.check';
import { ResourceServerOptions } from '../bearer/resource-server.options';
import { RevocationView } from '../storage/revocation-view';
import { AuthorizationServerModule } from './upstream/authorization-server.module';
import { AuthorizationServerMetadataController } from './metadata/authorization-server-metadata.controller';
import { mcpScopes } from './transport/mcp-auth';
import { McpEndpoint, resourceMetadataUrl } from './transport/mcp.endpoint';
import { McpOriginGuard } from './transport/origin.guard';
import { OriginPolicy } from './transport/origin-policy';
import { McpProtectedResourceController } from './metadata/protected-resource.controller';
import { RestTwinsController } from './rest-twins.controller';
import { SessionTools } from './tools/session.tools';
import { TokenExchangeClient } from './upstream/token-exchange.client';
import { ApiHttpClient } from './upstream/api-http';
import { BoundApiClient } from './upstream/bound-api-client';
import { McpDpopKey } from './upstream/mcp-dpop-key';
import { MCP_STRATEGY_REF, OpenApiTools } from './openapi/openapi-tools';
import { OpenApiToolsReadyGuard } from './openapi/openapi-tools-ready.guard';

/** What the MCP role's module is built from besides the role context. */
export interface McpModuleParts {
  readonly config: McpConfig;
  readonly revocations: RevocationView;
  readonly dpop: DpopProofOptions;
  readonly endpoint: McpEndpoint;
}

/** Root module of the MCP role: the MCP endpoint, its tools, REST twins and metadata. */
@Module({})
export class McpModule {
  static forRoot(
    context: RoleContext,
    { config, revocations, dpop, endpoint }: McpModuleParts,
  ): DynamicModule {
    const { shared } = context;
    const resource: ResourceServerOptions = {
      issuer: shared.issuer,
      issuerInternalUrl: shared.issuerInternalUrl,
      audience: shared.mcpResource,
      publicBaseUrl: shared.mcpBaseUrl,
      resourceMetadataUrl: resourceMetadataUrl(shared),
      challengeScopes: mcpScopes(shared),
    };
    // One instance, imported twice: the bearer module reads the keys from the same discovery.
    const authorizationServer = AuthorizationServerModule.forRoot(config);
    return {
      module: McpModule,
      imports: [
        CoreModule.forRole(context),
        authorizationServer,
        BearerModule.forResource({
          resource,
          revocations,
          dpop,
          caches: shared.caches,
          discovery: authorizationServer,
        }),
      ],
      controllers: [
        endpoint.controller,
        SessionTools,
        RestTwinsController,
        McpProtectedResourceController,
        AuthorizationServerMetadataController,
      ],
      providers: [
        { provide: OriginPolicy, useValue: OriginPolicy.fromConfig(shared, config) },
        McpOriginGuard,
        TokenExchangeClient,
        ApiHttpClient,
        // One key for the life of the process: tokens bound to it die with it (RFC 9449 §5).
        {
          provide: McpDpopKey,
          useFactory: () => McpDpopKey.generate(shared.caches.dpopNonceOrigins),
        },
        BoundApiClient,
        { provide: MCP_STRATEGY_REF, useValue: endpoint.strategy },
        OpenApiTools,
        OpenApiToolsReadyGuard,
      ],
    };
  }
}
