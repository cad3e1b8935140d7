import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { SharedConfig } from '../config/config';
import { RESOURCES, ROUTES, SCOPE_DESCRIPTIONS } from '../config/protocol';
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
    // OAuth2's authorization code flow at the issuer, offering the scopes of this API's tokens:
    // those the `swagger` client may ask for (clients.ts). An `openIdConnect` scheme names no
    // scopes, so Swagger UI offered every scope of the issuer's discovery document, and a user
    // who ticked one the client may not have got an error instead of a token.
    .addSecurity(OIDC_SECURITY, {
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: `${shared.issuer}${ROUTES.authorization}`,
          tokenUrl: `${shared.issuer}${ROUTES.token}`,
          scopes: Object.fromEntries(
            RESOURCES.api.scopes.map((scope) => [scope, SCOPE_DESCRIPTIONS[scope] ?? scope]),
          ),
        },
      },
    })
    .build();
  return SwaggerModule.createDocument(app, document);
}
