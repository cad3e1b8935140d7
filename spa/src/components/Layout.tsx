import { NavLink, Outlet } from 'react-router';
import { displayName, useAuth } from '../auth/auth-context';

const LINKS = [
  { to: '/', label: 'Home', end: true },
  { to: '/weather', label: 'Weather', end: false },
  { to: '/tokens', label: 'Tokens', end: false },
  { to: '/mcp', label: 'MCP', end: false },
] as const;

export function Layout() {
  const { user, signIn, signOut, signingOut } = useAuth();

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <NavLink to="/" className="brand">
            <span aria-hidden="true">☁</span> Weather&nbsp;demo
          </NavLink>
          <nav aria-label="Main">
            <ul className="nav-list">
              {LINKS.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to} end={link.end}>
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="session">
            {user === undefined ? null : user ? (
              <>
                <span className="session__user">
                  Signed in as <strong>{displayName(user)}</strong>
                </span>
                <button type="button" onClick={() => void signOut()} disabled={signingOut}>
                  {signingOut ? 'Signing out…' : 'Sign out'}
                </button>
              </>
            ) : (
              <button type="button" className="primary" onClick={() => void signIn('/')}>
                Sign in
              </button>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        A public OIDC client (authorization code + PKCE) calling an API and an MCP server with one
        access token each.
      </footer>
    </>
  );
}
