import { escapeHtml } from './html';
import { consentPage, loginPage, logoutPage, messagePage } from './views';

const SCRIPT = '<script>alert("x")</script>';
const ATTRIBUTE_BREAKOUT = `"><img src=x onerror='alert(1)'>`;

/** Markup an attacker-controlled value could inject if it reached the page unescaped. */
function expectNoInjectedMarkup(html: string): void {
  expect(html).not.toContain('<script');
  expect(html).not.toContain('<img');
  expect(html).not.toContain(`onerror='`);
}

describe('loginPage', () => {
  const base = { action: '/interaction/uid-1/login', csrf: 'csrf-token', devHint: false };

  it('escapes the client name, the echoed username and the error', () => {
    const html = loginPage({
      ...base,
      client: { name: SCRIPT },
      username: ATTRIBUTE_BREAKOUT,
      error: SCRIPT,
    });

    expectNoInjectedMarkup(html);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain(`value="${escapeHtml(ATTRIBUTE_BREAKOUT)}"`);
  });

  it('carries the CSRF token, posts to the interaction and links the stylesheet and icon', () => {
    const html = loginPage({ ...base, client: { name: 'Weather SPA' } });

    expect(html).toContain('<input type="hidden" name="csrf" value="csrf-token" />');
    expect(html).toContain('action="/interaction/uid-1/login"');
    expect(html).toContain('<link rel="stylesheet" href="/assets/auth.css" />');
    expect(html).toContain('<link rel="icon" href="/favicon.ico"');
    expect(html).not.toContain('<style');
  });

  it('names the development users only when asked to', () => {
    expect(loginPage({ ...base, client: { name: 'x' }, devHint: true })).toContain(
      'Development users',
    );
    expect(loginPage({ ...base, client: { name: 'x' } })).not.toContain('Development users');
  });

  it('shows where an unverified client sends the user, escaped', () => {
    const html = loginPage({
      ...base,
      client: { name: 'Weather SPA', unverified: { redirectHost: ATTRIBUTE_BREAKOUT } },
    });
    expectNoInjectedMarkup(html);
    expect(html).toContain('Unverified app');
    expect(html).toContain(
      `<strong class="redirect-host">${escapeHtml(ATTRIBUTE_BREAKOUT)}</strong>`,
    );
  });
});

describe('consentPage', () => {
  const base = { action: '/interaction/uid-1/confirm', csrf: 'csrf-token' };

  it('escapes every value a client or user controls', () => {
    const html = consentPage({
      ...base,
      client: {
        name: SCRIPT,
        unverified: { redirectHost: ATTRIBUTE_BREAKOUT, metadataHost: SCRIPT },
      },
      userName: SCRIPT,
      scopes: [{ name: SCRIPT, description: SCRIPT }],
      resources: [{ id: ATTRIBUTE_BREAKOUT, name: SCRIPT, scopes: [SCRIPT] }],
    });

    expectNoInjectedMarkup(html);
    expect(html).toContain('<strong>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</strong>');
  });

  it('lists the scopes and resources asked for', () => {
    const html = consentPage({
      ...base,
      client: { name: 'Weather SPA' },
      userName: 'alice',
      scopes: [{ name: 'weatherget', description: 'Read weather forecasts' }],
      resources: [{ id: 'http://localhost:5000', name: 'Weather API', scopes: ['weatherget'] }],
    });

    expect(html).toContain('<code>weatherget</code> Read weather forecasts');
    expect(html).toContain('<strong>Weather API</strong> <code>http://localhost:5000</code>');
    expect(html).toContain('wants to act for <strong>alice</strong>');
  });

  it('marks a configured client as nothing but its name, and another as unverified with its hosts', () => {
    const view = { ...base, userName: 'alice', scopes: [], resources: [] };
    expect(consentPage({ ...view, client: { name: 'Weather SPA' } })).not.toContain('Unverified');

    const html = consentPage({
      ...view,
      client: {
        name: 'Weather SPA',
        unverified: { redirectHost: 'evil.example', metadataHost: 'apps.example' },
      },
    });
    expect(html).toContain('Unverified app');
    expect(html).toContain('<strong class="redirect-host">evil.example</strong>');
    expect(html).toContain('<strong>apps.example</strong>');
  });
});

describe('messagePage and logoutPage', () => {
  it('escapes the message and its detail', () => {
    const html = messagePage(SCRIPT, SCRIPT, ATTRIBUTE_BREAKOUT);
    expectNoInjectedMarkup(html);
  });

  it("keeps oidc-provider's logout form but escapes the client name", () => {
    const form =
      '<form id="op.logoutForm" method="post" action="/connect/endsession/confirm"></form>';
    const html = logoutPage(form, SCRIPT);
    expect(html).toContain(form);
    expectNoInjectedMarkup(html);
  });
});
