import { useState } from 'react';
import { useAuth } from '../auth/auth-context';
import { useMcpToken } from '../auth/useMcpToken';
import { ProblemNotice } from '../components/ProblemNotice';
import { useNow } from '../components/useNow';
import { describeFailure } from '../errors/describe-failure';
import { TokenBindingFacts } from '../tokens/TokenBindingFacts';
import { TokenCard } from '../tokens/TokenCard';

export function TokensPage() {
  const { user, config, signIn } = useAuth();
  const [attempt, setAttempt] = useState(0);
  const mcp = useMcpToken(attempt);
  const now = useNow(1000);
  if (!user) return null;

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Your tokens</h1>
      <p className="lead">
        Three tokens, three readers. They are decoded here without checking signatures: only the
        services that receive them verify them. The browser keeps them in session storage, so they
        disappear when this tab closes. The access tokens are DPoP-bound (RFC 9449): each request
        also carries a proof signed with a key this browser generated and cannot export, kept in
        IndexedDB, so a stolen token is useless without it.
      </p>

      {user.id_token ? (
        <TokenCard id="id-token" title="ID token" token={user.id_token} now={now}>
          <p>
            For this app only (audience <code>{config.clientId}</code>): it says who signed in. It
            is never sent to the API or the MCP server.
          </p>
        </TokenCard>
      ) : (
        <p className="notice">The AuthServer returned no ID token.</p>
      )}

      <TokenCard id="api-token" title="API access token" token={user.access_token} now={now}>
        <p>
          Sent as <code>Authorization: {user.token_type} …</code> to{' '}
          <code>{config.apiBaseUrl}</code>. Its audience is the API's resource indicator{' '}
          <code>{config.apiResource}</code>.
        </p>
        <TokenBindingFacts tokenType={user.token_type} accessToken={user.access_token} />
      </TokenCard>

      {mcp.status === 'ready' ? (
        <TokenCard id="mcp-token" title="MCP access token" token={mcp.token.accessToken} now={now}>
          <p>
            Sent to <code>{config.mcpResource}</code>. The browser got it by using the refresh token
            at the token endpoint with <code>resource={config.mcpResource}</code>.
          </p>
          <TokenBindingFacts tokenType={mcp.token.tokenType} accessToken={mcp.token.accessToken} />
        </TokenCard>
      ) : mcp.status === 'loading' ? (
        <p className="status" role="status">
          Getting the MCP access token…
        </p>
      ) : (
        <article className="token-card" aria-labelledby="mcp-token-title">
          <h2 id="mcp-token-title">MCP access token</h2>
          <ProblemNotice
            problem={describeFailure(mcp.error, 'the AuthServer')}
            onSignIn={() => void signIn('/tokens')}
            onRetry={() => setAttempt((n) => n + 1)}
          />
        </article>
      )}

      <p className="hint">
        {user.refresh_token
          ? 'A refresh token is also held (not shown). It rotates: each use returns a new one.'
          : 'No refresh token was issued, so the session cannot be renewed silently.'}
      </p>
    </section>
  );
}
