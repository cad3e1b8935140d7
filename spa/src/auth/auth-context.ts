import { createContext, useContext } from 'react';
import type { User } from 'oidc-client-ts';
import type { SpaConfig } from '../config/config';
import type { SpaUserManager } from './spa-user-manager';

export interface AuthContextValue {
  readonly config: SpaConfig;
  readonly userManager: SpaUserManager;
  /** undefined while the stored session is still being read. */
  readonly user: User | null | undefined;
  /** True from the Sign out click until the browser leaves for the end-session endpoint. */
  readonly signingOut: boolean;
  readonly signIn: (returnTo?: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
}

export const AuthContext = createContext<AuthContextValue | undefined>(undefined);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** What the nav shows: the ID token's `name`, else `preferred_username`, else the subject. */
export function displayName(user: User): string {
  const { name, preferred_username: username, sub } = user.profile;
  return name ?? username ?? sub;
}

export interface ReturnState {
  readonly returnTo: string;
}

export function isReturnState(value: unknown): value is ReturnState {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).returnTo === 'string'
  );
}

/** Only same-origin paths may be returned to after sign-in (no open redirect). */
export function safeReturnPath(path: string | undefined): string {
  return path?.startsWith('/') && !/^\/[/\\]/.test(path) ? path : '/';
}
