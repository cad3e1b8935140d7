import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { SharedConfig } from '../config/config';
import { RESOURCES } from '../core/protocol';
import { OIDC_SECURITY } from './weather.controller';

/**
 * The API's OpenAPI 3 document, built from its routes: what Swagger UI shows and what the MCP
 * server turns into tools (each operationId a tool, its `oidc` security scopes the tool's).
 */
export function weatherOpenApiDocument(app: INestApplication, shared: SharedConfig): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('Weather API')
    .setDescription(
      'Protected by api-mcp-auth: authorize with the authorization code flow + PKCE, ' +
        `as the built-in \`${shared.clientIds.swagger}\` client, to call the API with a ` +
        `\`${RESOURCES.api.challengeScopes.join(' ')}\` token.`,
    )
    .setVersion('1.0')
    // OpenAPI 3 `openIdConnect`: Swagger UI reads the endpoints from the issuer's discovery
    // document, so this role names no AuthServer path.
    .addSecurity(OIDC_SECURITY, {
      type: 'openIdConnect',
      openIdConnectUrl: `${shared.issuer}/.well-known/openid-configuration`,
    })
    .build();
  return SwaggerModule.createDocument(app, document);
}
