import { SCOPE, Scope } from '../../core/protocol';

/** Every scope the provider knows; client metadata may only list these. */
export { SCOPES } from '../../core/protocol';

export const CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'website'],
  email: ['email', 'email_verified'],
} as const;

/** What each scope means, for the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [SCOPE.openid]: 'Sign you in with your user identifier',
  [SCOPE.profile]: 'Your name, username and website',
  [SCOPE.email]: 'Your email address',
  [SCOPE.api]: 'Use the weather API on your behalf',
  [SCOPE.weatherget]: 'Read weather forecasts',
  [SCOPE.offlineAccess]: 'Stay signed in when you are away (refresh tokens)',
} satisfies Record<Scope, string>;
