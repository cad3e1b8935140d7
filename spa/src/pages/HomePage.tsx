import { Link } from 'react-router';
import { displayName, useAuth } from '../auth/auth-context';

export function HomePage() {
  const { user, config, signIn } = useAuth();
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">Weather, behind OAuth</h1>
      <p className="lead">
        This single-page app signs you in at the AuthServer with the authorization code flow and
        PKCE, then calls two protected services, each with its own access token (RFC 8707 resource
        indicators).
      </p>
      {user ? (
        <p>
          Welcome, <strong>{displayName(user)}</strong>. Pick a page:
        </p>
      ) : (
        <p className="actions">
          <button type="button" className="primary" onClick={() => void signIn('/')}>
            Sign in
          </button>
          <span className="hint">You will sign in on the AuthServer's own page.</span>
        </p>
      )}
      <ul className="cards">
        <li>
          <h2>
            <Link to="/weather">Weather</Link>
          </h2>
          <p>The five-day forecast from the API, fetched with the API token.</p>
        </li>
        <li>
          <h2>
            <Link to="/mcp">MCP</Link>
          </h2>
          <p>The MCP server's tools, listed and called over JSON-RPC with the MCP token.</p>
        </li>
        <li>
          <h2>
            <Link to="/tokens">Tokens</Link>
          </h2>
          <p>The decoded ID token and both access tokens: what each service receives.</p>
        </li>
      </ul>
      <h2>Where things live</h2>
      <dl className="facts">
        <dt>AuthServer</dt>
        <dd>
          <code>{config.authority}</code>
        </dd>
        <dt>Weather API</dt>
        <dd>
          <code>{config.apiBaseUrl}</code>
        </dd>
        <dt>MCP server</dt>
        <dd>
          <code>{config.mcpResource}</code>
        </dd>
        <dt>Client ID</dt>
        <dd>
          <code>{config.clientId}</code>
        </dd>
      </dl>
    </section>
  );
}
