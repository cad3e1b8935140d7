import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isReturnState, safeReturnPath, useAuth } from '../auth/auth-context';
import { ProblemNotice } from '../components/ProblemNotice';
import { describeFailure } from '../errors/describe-failure';
import type { ProblemText } from '../http/http-problem';
import { once } from './once';

export function SigninCallbackPage() {
  const { userManager, signIn } = useAuth();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<ProblemText>();

  useEffect(() => {
    let active = true;
    const url = window.location.href;
    once(url, async () => {
      const user = await userManager.signinRedirectCallback(url);
      // The code exchange gave the API token; the MCP token comes from the refresh token.
      // Failing here is not fatal: the MCP page asks again and explains what went wrong.
      await userManager.mcpToken(true).catch(() => undefined);
      return user;
    }).then(
      (user) => {
        if (!active) return;
        const returnTo = isReturnState(user.state) ? user.state.returnTo : '/';
        void navigate(safeReturnPath(returnTo), { replace: true });
      },
      (error: unknown) => {
        if (active) setProblem(describeFailure(error, 'the AuthServer'));
      },
    );
    return () => {
      active = false;
    };
  }, [userManager, navigate]);

  if (problem) {
    return (
      <section aria-labelledby="signin-title">
        <h1 id="signin-title">Sign-in failed</h1>
        <ProblemNotice
          problem={{ ...problem, action: 'sign-in' }}
          onSignIn={() => void signIn('/')}
        />
        <p>
          <Link to="/">Back to the home page</Link>
        </p>
      </section>
    );
  }
  return (
    <p className="status" role="status">
      Completing sign-in…
    </p>
  );
}
