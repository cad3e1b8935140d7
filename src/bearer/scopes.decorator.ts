import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const REQUIRED_SCOPES = 'auth:required-scopes';

/**
 * The OpenAPI security scheme a resource server's document declares for our tokens (an OAuth2
 * authorization code flow at the issuer); `RequireScopes` names it on every route it guards.
 */
export const OAUTH_SECURITY = 'oidc';

/**
 * Every listed scope must be in the access token (RFC 6750 §3.1 insufficient_scope otherwise).
 * The same scopes go into the route's OpenAPI security requirement, so what the guard enforces
 * is what the document says: the MCP server exchanges for exactly those scopes when it calls
 * the route as a tool, and Swagger UI shows them.
 */
export const RequireScopes = (...scopes: string[]) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), ApiSecurity(OAUTH_SECURITY, scopes));
