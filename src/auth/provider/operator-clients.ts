import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { JWT_BEARER_GRANT } from '../catalog/grant-types';

/**
 * The one grant an operator client uses: client credentials (SEP-1046), or the JWT bearer
 * grant with ID-JAGs from a trusted identity provider (SEP-990), which then names it.
 */
export const OPERATOR_CLIENT_GRANTS = ['client_credentials', JWT_BEARER_GRANT] as const;

/**
 * How an operator-added machine client authenticates at the token endpoint: with a key it
 * holds (`private_key_jwt`, RFC 7523 §2.2, its public keys given inline or by `jwks_uri`) or
 * with a generated secret (RFC 6749 §2.3.1). Shared secrets signed as JWTs
 * (`client_secret_jwt`) are left out: they are a secret with more ways to get wrong.
 */
export const OPERATOR_CLIENT_AUTH = [
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
] as const;

/** Public JWKs only: a stored key with a private member is refused when it is read. */
const publicJwk = z
  .record(z.string(), z.unknown())
  .refine((jwk) => !('d' in jwk) && !('k' in jwk), 'keys must be public keys');

export const operatorClientSchema = z
  .object({
    clientId: z.string().min(1).max(64),
    name: z.string().min(1).max(100),
    auth: z.enum(OPERATOR_CLIENT_AUTH),
    jwks: z.object({ keys: z.array(publicJwk).min(1).max(10) }).optional(),
    jwksUri: z.url({ protocol: /^https?$/ }).optional(),
    /** oidc-provider compares the presented secret with this one, so it is kept as issued. */
    secret: z.string().min(32).optional(),
    resources: z.array(z.string()).min(1),
    scopes: z.array(z.string()).min(1),
    grant: z.enum(OPERATOR_CLIENT_GRANTS).default('client_credentials'),
  })
  .refine(
    (c) =>
      c.auth === 'private_key_jwt'
        ? (c.jwks === undefined) !== (c.jwksUri === undefined) && c.secret === undefined
        : c.secret !== undefined && c.jwks === undefined && c.jwksUri === undefined,
    'private_key_jwt needs jwks or jwks_uri (one of them); secret methods need a secret only',
  );

export type OperatorClient = z.infer<typeof operatorClientSchema>;

/** A stored document as an operator client, or undefined when it is not a valid one. */
export function operatorClientFrom(document: unknown): OperatorClient | undefined {
  const parsed = operatorClientSchema.safeParse(document);
  return parsed.success ? parsed.data : undefined;
}

/** oidc-provider's metadata for it: its one grant, nothing to redirect to. */
export function operatorClientMetadata(client: OperatorClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_name: client.name,
    token_endpoint_auth_method: client.auth,
    grant_types: [client.grant],
    response_types: [],
    redirect_uris: [],
    scope: client.scopes.join(' '),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    ...(client.secret ? { client_secret: client.secret } : {}),
  };
}
