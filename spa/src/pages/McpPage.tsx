import { useState } from 'react';
import { useAuth } from '../auth/auth-context';
import { useMcpToken } from '../auth/useMcpToken';
import { ProblemNotice } from '../components/ProblemNotice';
import { describeFailure } from '../errors/describe-failure';
import { McpPanel } from '../mcp/McpPanel';

export function McpPage() {
  const { config, signIn } = useAuth();
  const [attempt, setAttempt] = useState(0);
  const mcp = useMcpToken(attempt);
  const onSignIn = (): void => void signIn('/mcp');

  return (
    <section aria-labelledby="mcp-title">
      <h1 id="mcp-title">MCP server</h1>
      <p className="lead">
        The browser speaks JSON-RPC to <code>POST {config.mcpResource}</code> (Streamable HTTP,
        protocol 2025-06-18) with the access token whose audience is the MCP server. The weather
        tool then calls the API with a token of its own.
      </p>
      {mcp.status === 'loading' ? (
        <p className="status" role="status">
          Getting the MCP access token…
        </p>
      ) : mcp.status === 'failed' ? (
        <ProblemNotice
          problem={describeFailure(mcp.error, 'the AuthServer')}
          onSignIn={onSignIn}
          onRetry={() => setAttempt((n) => n + 1)}
        />
      ) : (
        <McpPanel
          endpoint={config.mcpResource}
          accessToken={mcp.token.accessToken}
          onSignIn={onSignIn}
        />
      )}
    </section>
  );
}
