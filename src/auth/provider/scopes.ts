/** Every scope the provider knows; client metadata may only list these. */
export const SCOPES = [
  'openid',
  'profile',
  'email',
  'api',
  'weatherget',
  'offline_access',
] as const;

export const CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'website'],
  email: ['email', 'email_verified'],
} as const;

/** What each scope means, for the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Sign you in with your user identifier',
  profile: 'Your name, username and website',
  email: 'Your email address',
  api: 'Use the weather API on your behalf',
  weatherget: 'Read weather forecasts',
  offline_access: 'Stay signed in when you are away (refresh tokens)',
};
