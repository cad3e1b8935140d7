import { z } from 'zod';

/**
 * One upstream OpenID provider users may sign in through. Checked when the operator adds it
 * and again whenever the AuthServer reads it from the store.
 */
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and -');
const domain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i)
  .transform((d) => d.toLowerCase());

/** Only members of one of `anyOf` (a value of `claim` in the upstream ID token) get `scope`. */
const scopeRule = z.strictObject({
  scope: z.string().min(1).max(64),
  claim: z.string().min(1).max(64),
  anyOf: z.array(z.string().min(1).max(256)).min(1).max(100),
});

export const UpstreamIdpSchema = z.strictObject({
  slug,
  displayName: z.string().min(1).max(80),
  // https, or http on this machine only (a local test or development IdP): over plain HTTP
  // elsewhere the code, the client secret and the ID token would cross the network readable.
  issuer: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .refine((url) => {
      const { protocol, hostname } = new URL(url);
      return protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
    }, 'https, or http on localhost only'),
  clientId: z.string().min(1).max(256),
  clientSecret: z.string().min(1).max(512),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/))
    .max(20)
    .default(['openid', 'email', 'profile']),
  /** login_hint / typed email domains that go straight to this upstream. */
  domains: z.array(domain).max(50).default([]),
  /** Create a local user at the first sign-in of an unknown upstream identity. */
  jit: z.boolean().default(false),
  /** When non-empty, only upstream identities with a verified email in these domains. */
  allowedEmailDomains: z.array(domain).max(50).default([]),
  /**
   * Link an unknown upstream identity to the existing local user with the same verified email.
   * Off by default: an upstream that lets its users set any address (or asserts
   * email_verified for addresses it never checked) would hand anyone who types alice's
   * address alice's account here. Turn it on only for an upstream that owns those mailboxes.
   */
  linkByEmail: z.boolean().default(false),
  scopeRules: z.array(scopeRule).max(50).default([]),
});

export type UpstreamIdp = z.infer<typeof UpstreamIdpSchema>;

/** What an operator may be shown: everything but the secret. */
export function withoutSecret(idp: UpstreamIdp): Omit<UpstreamIdp, 'clientSecret'> {
  const { clientSecret: _secret, ...rest } = idp;
  return rest;
}

/** The issuer `openid` has to be among the scopes: without it there is no ID token. */
export function parseUpstream(input: unknown): UpstreamIdp {
  const idp = UpstreamIdpSchema.parse(input);
  if (!idp.scopes.includes('openid')) return { ...idp, scopes: ['openid', ...idp.scopes] };
  return idp;
}
