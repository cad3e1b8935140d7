import { z } from 'zod';
import { Principal } from '../../bearer/principal';

export const identitySchema = z.object({
  subject: z.string().describe('The user the access token was issued for (OIDC `sub`)'),
  clientId: z.string().describe('The OAuth client the user authorized'),
  scopes: z.array(z.string()).describe('Scopes granted to this client for this server'),
  audience: z.array(z.string()).describe('Resources the access token is valid for'),
  expiresAt: z.string().describe('When the access token expires, ISO 8601'),
});

export type Identity = z.infer<typeof identitySchema>;

export function identityOf(caller: Principal): Identity {
  return {
    subject: caller.sub,
    clientId: caller.clientId,
    scopes: [...caller.scopes],
    audience: [...caller.audience],
    expiresAt: new Date(caller.expiresAt * 1000).toISOString(),
  };
}
