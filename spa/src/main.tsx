import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { AuthProvider } from './auth/AuthProvider';
import { SpaUserManager } from './auth/spa-user-manager';
import { ConfigError, loadConfig } from './config/config';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const root = createRoot(container);

root.render(
  <p className="status" role="status">
    Loading…
  </p>,
);

loadConfig(import.meta.env).then(
  (config) => {
    const userManager = new SpaUserManager(config, window.location.origin, window.sessionStorage);
    root.render(
      <StrictMode>
        <BrowserRouter>
          <AuthProvider userManager={userManager}>
            <App />
          </AuthProvider>
        </BrowserRouter>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    const problems = error instanceof ConfigError ? error.problems : [String(error)];
    root.render(
      <main className="config-error" role="alert">
        <h1>This app is misconfigured</h1>
        <ul>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </main>,
    );
  },
);
