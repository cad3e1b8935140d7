import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { User } from 'oidc-client-ts';
import {
  AuthContext,
  safeReturnPath,
  type AuthContextValue,
  type ReturnState,
} from './auth-context';
import type { SpaUserManager } from './spa-user-manager';

interface Props {
  readonly userManager: SpaUserManager;
  readonly children: ReactNode;
}

export function AuthProvider({ userManager, children }: Props) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    let active = true;
    const update = (next: User | null): void => {
      if (active) setUser(next);
    };
    const onLoaded = (loaded: User): void => update(loaded);
    const onUnloaded = (): void => update(null);
    userManager.events.addUserLoaded(onLoaded);
    userManager.events.addUserUnloaded(onUnloaded);

    void (async () => {
      const stored = await userManager.getUser();
      if (stored?.expired && stored.refresh_token) {
        // Back after a while: the access token lapsed but the refresh token may still work.
        const renewed = await userManager.signinSilent().catch(() => null);
        if (!renewed) await userManager.removeUser();
        update(renewed);
        return;
      }
      update(stored?.expired ? null : stored);
    })();

    return () => {
      active = false;
      userManager.events.removeUserLoaded(onLoaded);
      userManager.events.removeUserUnloaded(onUnloaded);
    };
  }, [userManager]);

  const signIn = useCallback(
    (returnTo?: string) => {
      const state: ReturnState = { returnTo: safeReturnPath(returnTo) };
      return userManager.signinRedirect({ state });
    },
    [userManager],
  );

  const signOut = useCallback(async () => {
    // Keeps protected pages from starting a sign-in once the user is removed below.
    setSigningOut(true);
    // With offline_access the refresh token outlives the AuthServer session (OIDC Core §11),
    // so revoke it (RFC 7009); the end-session redirect below happens either way.
    await userManager.revokeTokens(['refresh_token']).catch(() => undefined);
    userManager.mcpTokens.clear();
    try {
      await userManager.signoutRedirect();
    } catch (error) {
      setSigningOut(false);
      throw error;
    }
  }, [userManager]);

  const value = useMemo<AuthContextValue>(
    () => ({ config: userManager.config, userManager, user, signingOut, signIn, signOut }),
    [userManager, user, signingOut, signIn, signOut],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}
