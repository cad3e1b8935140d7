import { z } from 'zod';
import { WORKLOAD_ALGORITHMS } from '../workload/workload-issuer';

export { ID_JAG_TOKEN_TYPE } from '../catalog/grant-types';

/** The JOSE `typ` of an Identity Assertion JWT Authorization Grant (RFC 8725 §3.11). */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

const publicJwk = z
  .record(z.string(), z.unknown())
  .refine((jwk) => !('d' in jwk) && !('k' in jwk), 'keys must be public keys');
const domain = z.string().min(1).max(253);

/**
 * An identity provider whose ID-JAGs we accept (the "Resource Authorization Server to IdP"
 * trust of the draft's §7). Asymmetric algorithms only, as for workload issuers (RFC 8725
 * §3.1). Users are matched by the linked (iss, sub), then, where allowed, by verified email,
 * then provisioned only with `jit`, exactly as for sign-in through an upstream provider.
 */
export const idJagIssuerSchema = z
  .object({
    issuer: z.string().min(1).max(512),
    /** Names the issuer's users (`<slug>:<sub>`) and their links. */
    slug: z.string().regex(/^[a-z0-9-]{1,40}$/),
    jwksUri: z.url({ protocol: /^https?$/ }).optional(),
    jwks: z.object({ keys: z.array(publicJwk).min(1).max(20) }).optional(),
    algorithms: z.array(z.enum(WORKLOAD_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
    jit: z.boolean().default(false),
    linkByEmail: z.boolean().default(false),
    allowedEmailDomains: z.array(domain).max(50).default([]),
  })
  .refine((i) => (i.jwks === undefined) !== (i.jwksUri === undefined), 'jwks or jwksUri, one')
  .refine((i) => i.jwksUri === undefined || tlsOrLoopback(i.jwksUri), 'jwksUri must be https');

export type IdJagIssuer = z.infer<typeof idJagIssuerSchema>;

/**
 * Another authorization server we issue ID-JAGs for (the draft's §4.3 "administrator-defined
 * policy"): which of our clients may ask, the `client_id` that server knows the client by
 * (§7 Cross-Domain Client ID Handling), and the most it may grant.
 */
export const idJagAudienceSchema = z.object({
  audience: z.url({ protocol: /^https?$/ }),
  clients: z.array(z.string().min(1).max(256)).min(1).max(100),
  clientId: z.string().min(1).max(256),
  /** Resource indicators the ID-JAG may name; none listed: any the client asks for. */
  resources: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(50)
    .default([]),
  scopes: z.array(z.string().min(1).max(64)).min(1).max(100),
  ttlSeconds: z.number().int().min(10).max(600).default(300),
});

export type IdJagAudience = z.infer<typeof idJagAudienceSchema>;

export function idJagIssuerFrom(document: unknown): IdJagIssuer | undefined {
  const parsed = idJagIssuerSchema.safeParse(document);
  return parsed.success ? parsed.data : undefined;
}

export function idJagAudienceFrom(document: unknown): IdJagAudience | undefined {
  const parsed = idJagAudienceSchema.safeParse(document);
  return parsed.success ? parsed.data : undefined;
}

function tlsOrLoopback(uri: string): boolean {
  const url = new URL(uri);
  return url.protocol === 'https:' || ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}
