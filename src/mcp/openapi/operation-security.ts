import type { OpenAPIV3 } from 'openapi-types';
import { objectAt } from './document-refs';
import { OperationError } from './operation.error';

/**
 * The scopes a tool's exchanged token asks for. OpenAPI 3 §4.8.30: the operation may be called
 * when any one requirement object is met, and a requirement needs all of its schemes; the
 * first requirement made only of OAuth2 and OpenID Connect schemes that names at least one
 * scope is the one a token is minted for.
 *
 * A requirement that names no scope (`[{oidc: []}]`) says "any token of this API". Exchanged
 * without a scope, the token would carry every scope of the API the user holds, and the tool
 * would be listed for every caller; with a scope picked by us it could be refused. Such an
 * operation is not offered: the document must name the scope it needs.
 */
export function operationScopes(
  document: OpenAPIV3.Document,
  requirements: unknown,
): readonly string[] {
  const schemes = document.components?.securitySchemes ?? {};
  const isOAuth = (name: string) => {
    const scheme = Object.hasOwn(schemes, name) ? objectAt(document, schemes[name]) : undefined;
    return scheme?.type === 'oauth2' || scheme?.type === 'openIdConnect';
  };
  const oauth = (Array.isArray(requirements) ? (requirements as unknown[]) : [])
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .filter((r) => Object.keys(r).length > 0 && Object.keys(r).every(isOAuth))
    .map((r) => [
      ...new Set(Object.values(r).flatMap((s): unknown[] => (Array.isArray(s) ? s : []))),
    ]);
  if (!oauth.length) {
    throw new OperationError(
      'no_oauth_requirement',
      'no OAuth2/OpenID Connect security requirement',
    );
  }
  const scopes = oauth.find(
    (s): s is string[] => s.length > 0 && s.every((scope) => typeof scope === 'string'),
  );
  if (!scopes) {
    throw new OperationError('no_scope', 'its OAuth2/OpenID Connect requirement names no scope');
  }
  return scopes;
}
