import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { ProtectedApi } from '../config/apis';
import type { SharedConfig } from '../config/config';
import { ROUTES } from '../config/protocol';
import { StartupError } from '../config/startup-error';
import { OAUTH_SECURITY } from '../bearer/scopes.decorator';

/**
 * The API's OpenAPI 3 document, built from its routes: what Swagger UI shows and what the MCP
 * server turns into tools (each operationId a tool, its `oidc` security scopes the tool's).
 */
export function weatherOpenApiDocument(
  app: INestApplication,
  shared: SharedConfig,
  weather: ProtectedApi,
): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle(weather.title)
    .setDescription(
      'Protected by api-mcp-auth: authorize with the authorization code flow + PKCE, ' +
        `as the built-in \`${shared.clientIds.swagger}\` client, to call the API with a ` +
        `token carrying the scopes each operation names.`,
    )
    .setVersion('1.0')
    // OAuth2's authorization code flow at the issuer, offering the scopes of this API's tokens:
    // those the `swagger` client may ask for (clients.ts). An `openIdConnect` scheme names no
    // scopes, so Swagger UI offered every scope of the issuer's discovery document, and a user
    // who ticked one the client may not have got an error instead of a token.
    .addSecurity(OAUTH_SECURITY, {
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: `${shared.issuer}${ROUTES.authorization}`,
          tokenUrl: `${shared.issuer}${ROUTES.token}`,
          scopes: Object.fromEntries(
            weather.scopes.map((scope) => [scope, weather.scopeTexts[scope] ?? scope]),
          ),
        },
      },
    })
    .build();
  const built = SwaggerModule.createDocument(app, document);
  assertKnownScopes(built, weather);
  return built;
}

/**
 * A route requiring a scope the APIs list does not declare could never be called: no client
 * may ask for the scope and no token carries it. Refuse to start instead, naming the route.
 */
function assertKnownScopes(document: OpenAPIObject, weather: ProtectedApi): void {
  const unknown = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]: [string, unknown]) =>
      securityOf(operation)
        .flatMap((requirement) => requirement[OAUTH_SECURITY] ?? [])
        .filter((scope) => !weather.scopes.includes(scope))
        .map((scope) => `${method.toUpperCase()} ${path} requires "${scope}"`),
    ),
  );
  if (unknown.length) {
    throw new UndeclaredScopeError(
      `the ${weather.name} API's routes need scopes its entry in src/config/apis.ts does not ` +
        `declare: ${unknown.join('; ')}`,
    );
  }
}

export class UndeclaredScopeError extends StartupError {
  override readonly name = 'UndeclaredScopeError';
  readonly code = 'ERR_UNDECLARED_SCOPE';
}

function securityOf(operation: unknown): readonly Record<string, readonly string[]>[] {
  if (typeof operation !== 'object' || operation === null || !('security' in operation)) return [];
  // Nest's own document: each requirement maps a scheme to its scopes (OpenAPI 3 §4.8.30).
  const security: unknown = operation.security;
  return Array.isArray(security) ? (security as Record<string, readonly string[]>[]) : [];
}
