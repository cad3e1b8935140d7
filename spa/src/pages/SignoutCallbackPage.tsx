import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../auth/auth-context';
import { once } from './once';

export function SignoutCallbackPage() {
  const { userManager, signIn } = useAuth();
  const [done, setDone] = useState(false);

  useEffect(() => {
    let active = true;
    const url = window.location.href;
    // The local session is already gone (removed before leaving for the end-session endpoint);
    // this only checks the returned state, so a mismatch changes nothing for the user.
    void once(url, () => userManager.signoutRedirectCallback(url).catch(() => undefined)).then(
      () => {
        if (active) setDone(true);
      },
    );
    return () => {
      active = false;
    };
  }, [userManager]);

  return (
    <section aria-labelledby="signout-title">
      <h1 id="signout-title">{done ? 'You are signed out' : 'Signing out…'}</h1>
      {done ? (
        <>
          <p>Your session at the AuthServer has ended and the tokens are gone from this tab.</p>
          <p className="actions">
            <button type="button" className="primary" onClick={() => void signIn('/')}>
              Sign in again
            </button>
            <Link to="/">Home</Link>
          </p>
        </>
      ) : null}
    </section>
  );
}
