import { z } from 'zod';

/**
 * Asymmetric algorithms only: `none` and the HMAC family (HS*) are never accepted, so an
 * assertion cannot be "signed" with nothing or with the issuer's public key as an HMAC secret
 * (RFC 8725 §2.1, §3.1).
 */
export const WORKLOAD_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const publicJwk = z
  .record(z.string(), z.unknown())
  .refine((jwk) => !('d' in jwk) && !('k' in jwk), 'keys must be public keys');

/**
 * A claim rule (SEP-1933 "Workload Trust Relationship"): the workload's `sub` equals `subject`,
 * or starts with it when it ends in `*` (a prefix, never a pattern: no regular expression built
 * from configuration ever meets request data), and each listed claim has exactly the value.
 */
const ruleSchema = z.object({
  subject: z.string().min(1).max(512),
  claims: z.record(z.string(), z.string()).optional(),
  /** The identity the issued token names as its subject. */
  clientId: z.string().min(1).max(64),
  resources: z.array(z.string()).min(1),
  scopes: z.array(z.string()).min(1),
});

/** A trusted workload issuer (SEP-1933 "Issuer Trust Relationship") and its rules. */
export const workloadIssuerSchema = z
  .object({
    issuer: z.string().min(1).max(512),
    jwksUri: z.url({ protocol: /^https?$/ }).optional(),
    jwks: z.object({ keys: z.array(publicJwk).min(1).max(20) }).optional(),
    algorithms: z.array(z.enum(WORKLOAD_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
    rules: z.array(ruleSchema).min(1).max(100),
  })
  .refine((i) => (i.jwks === undefined) !== (i.jwksUri === undefined), 'jwks or jwksUri, one')
  // SEP-1933 "Issuer Key Retrieval": keys come over TLS; plain http only on loopback (tests,
  // a sidecar), where no network sits between.
  .refine((i) => i.jwksUri === undefined || tlsOrLoopback(i.jwksUri), 'jwksUri must be https');

export type WorkloadIssuer = z.infer<typeof workloadIssuerSchema>;
export type WorkloadRule = WorkloadIssuer['rules'][number];

function tlsOrLoopback(uri: string): boolean {
  const url = new URL(uri);
  return url.protocol === 'https:' || ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

export function workloadIssuerFrom(document: unknown): WorkloadIssuer | undefined {
  const parsed = workloadIssuerSchema.safeParse(document);
  return parsed.success ? parsed.data : undefined;
}

/** The first rule the verified claims satisfy. */
export function matchingRule(
  issuer: WorkloadIssuer,
  claims: Readonly<Record<string, unknown>>,
): WorkloadRule | undefined {
  const sub = claims.sub;
  if (typeof sub !== 'string') return undefined;
  return issuer.rules.find(
    (rule) =>
      subjectMatches(rule.subject, sub) &&
      Object.entries(rule.claims ?? {}).every(([name, value]) => claims[name] === value),
  );
}

function subjectMatches(pattern: string, subject: string): boolean {
  return pattern.endsWith('*') ? subject.startsWith(pattern.slice(0, -1)) : subject === pattern;
}
