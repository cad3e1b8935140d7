/** Every scope the provider knows; client metadata may only list these. */
export { SCOPES } from '../../config/protocol';

export const CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'website'],
  email: ['email', 'email_verified'],
} as const;
