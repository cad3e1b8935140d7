import { useEffect, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useAuth } from '../auth/auth-context';

/** Renders its children for a signed-in user; otherwise sends the browser to sign in. */
export function RequireAuth({ children }: { readonly children: ReactNode }) {
  const { user, signIn, signingOut } = useAuth();
  const location = useLocation();
  const mustSignIn = user === null && !signingOut;

  useEffect(() => {
    if (mustSignIn) void signIn(`${location.pathname}${location.search}`);
  }, [mustSignIn, signIn, location.pathname, location.search]);

  if (user) return children;
  return (
    <p className="status" role="status">
      {signingOut
        ? 'Signing out…'
        : user === undefined
          ? 'Checking your session…'
          : 'This page needs you to sign in. Redirecting to the sign-in page…'}
    </p>
  );
}
