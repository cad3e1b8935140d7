import { errors, type Provider } from 'oidc-provider';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What oidc-provider's consent prompt says is still missing from the grant. */
export interface MissingConsent {
  readonly missingOIDCScope?: string[];
  readonly missingOIDCClaims?: string[];
  readonly missingResourceScopes?: Record<string, string[]>;
}

export function missingConsent(details: Details): MissingConsent {
  return details.prompt.details;
}

/** Every scope asked for, OIDC and resource scopes together, each once. */
export function requestedScopes(missing: MissingConsent): string[] {
  return [
    ...new Set([
      ...(missing.missingOIDCScope ?? []),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ]),
  ];
}

/**
 * Adds what the user just allowed to the interaction's grant (or a new one) and saves it.
 * `withheld` scopes (an upstream IdP's scope rules) are recorded as rejected: oidc-provider then
 * neither grants them nor asks for them again.
 */
export async function saveConsent(
  provider: Provider,
  details: Details,
  accountId: string,
  clientId: string,
  withheld: readonly string[] = [],
): Promise<string> {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  if (!grant) throw new errors.SessionNotFound('grant not found');
  const missing = missingConsent(details);
  const split = (scopes: readonly string[]) => ({
    allowed: scopes.filter((s) => !withheld.includes(s)).join(' '),
    refused: scopes.filter((s) => withheld.includes(s)).join(' '),
  });
  if (missing.missingOIDCScope) {
    const { allowed, refused } = split(missing.missingOIDCScope);
    if (allowed) grant.addOIDCScope(allowed);
    if (refused) grant.rejectOIDCScope(refused);
  }
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    const { allowed, refused } = split(scopes);
    if (allowed) grant.addResourceScope(resource, allowed);
    if (refused) grant.rejectResourceScope(resource, refused);
  }
  return grant.save();
}
