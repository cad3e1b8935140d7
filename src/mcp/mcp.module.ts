import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { CoreModule } from '../core/core.module';
import { RoleContext } from '../core/role-context';
import { RESOURCE_SERVER, ResourceServerOptions } from '../bearer/resource-server.options';
import { AuthorizationServerMetadata } from './metadata/authorization-server-metadata';
import { AuthorizationServerMetadataController } from './metadata/authorization-server-metadata.controller';
import { MCP_SCOPES, McpJwtStrategy } from './transport/mcp-auth';
import { McpEndpoint, resourceMetadataUrl } from './transport/mcp.endpoint';
import { McpOriginGuard } from './transport/origin.guard';
import { OriginPolicy } from './transport/origin-policy';
import { McpProtectedResourceController } from './metadata/protected-resource.controller';
import { RestTwinsController } from './rest-twins.controller';
import { SessionTools } from './tools/session.tools';
import { TokenExchangeClient } from './upstream/token-exchange.client';
import { WeatherApiClient } from './upstream/weather-api.client';
import { WeatherTools } from './tools/weather.tools';

/** Root module of the MCP role: the MCP endpoint, its tools, REST twins and metadata. */
@Module({})
export class McpModule {
  static forRoot(context: RoleContext, endpoint: McpEndpoint): DynamicModule {
    const { config } = context;
    const resourceServer: ResourceServerOptions = {
      issuer: config.issuer,
      jwksUri: `${config.issuerInternalUrl}/.well-known/openid-configuration/jwks`,
      audience: config.mcpResource,
      resourceMetadataUrl: resourceMetadataUrl(config),
      challengeScopes: MCP_SCOPES,
    };
    return {
      module: McpModule,
      imports: [CoreModule.forRole(context), PassportModule],
      controllers: [
        endpoint.controller,
        WeatherTools,
        SessionTools,
        RestTwinsController,
        McpProtectedResourceController,
        AuthorizationServerMetadataController,
      ],
      providers: [
        { provide: RESOURCE_SERVER, useValue: resourceServer },
        { provide: OriginPolicy, useValue: OriginPolicy.fromConfig(config) },
        McpJwtStrategy,
        McpOriginGuard,
        AuthorizationServerMetadata,
        TokenExchangeClient,
        WeatherApiClient,
      ],
    };
  }
}
