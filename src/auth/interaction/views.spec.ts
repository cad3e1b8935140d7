import { consentPage, escapeHtml, loginPage } from './views';

const SCRIPT = '<script>alert("x")</script>';
const ATTRIBUTE_BREAKOUT = `"><img src=x onerror='alert(1)'>`;

/** Markup an attacker-controlled value could inject if it reached the page unescaped. */
function expectNoInjectedMarkup(html: string): void {
  expect(html).not.toContain('<script');
  expect(html).not.toContain('<img');
  expect(html).not.toContain(`onerror='`);
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });

  it('renders non-strings as text', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(undefined)).toBe('undefined');
  });
});

describe('loginPage', () => {
  const base = { action: '/interaction/uid-1/login', csrf: 'csrf-token', devHint: false };

  it('escapes the client name, the echoed username and the error', () => {
    const html = loginPage({
      ...base,
      clientName: SCRIPT,
      username: ATTRIBUTE_BREAKOUT,
      error: SCRIPT,
    });

    expectNoInjectedMarkup(html);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain(`value="${escapeHtml(ATTRIBUTE_BREAKOUT)}"`);
  });

  it('carries the CSRF token and posts to the interaction', () => {
    const html = loginPage({ ...base, clientName: 'Weather SPA' });

    expect(html).toContain('<input type="hidden" name="csrf" value="csrf-token">');
    expect(html).toContain('action="/interaction/uid-1/login"');
  });

  it('names the development users only when asked to', () => {
    expect(loginPage({ ...base, clientName: 'x', devHint: true })).toContain('Development users');
    expect(loginPage({ ...base, clientName: 'x' })).not.toContain('Development users');
  });
});

describe('consentPage', () => {
  it('escapes every value a client or user controls', () => {
    const html = consentPage({
      action: '/interaction/uid-1/confirm',
      csrf: 'csrf-token',
      clientName: SCRIPT,
      clientHost: ATTRIBUTE_BREAKOUT,
      userName: SCRIPT,
      scopes: [{ name: SCRIPT, description: SCRIPT }],
      resources: [{ id: ATTRIBUTE_BREAKOUT, name: SCRIPT, scopes: [SCRIPT] }],
    });

    expectNoInjectedMarkup(html);
    expect(html).toContain('<strong>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</strong>');
  });

  it('lists the scopes and resources asked for', () => {
    const html = consentPage({
      action: '/interaction/uid-1/confirm',
      csrf: 'csrf-token',
      clientName: 'Weather SPA',
      userName: 'alice',
      scopes: [{ name: 'weatherget', description: 'Read weather forecasts' }],
      resources: [{ id: 'http://localhost:5000', name: 'Weather API', scopes: ['weatherget'] }],
    });

    expect(html).toContain('<code>weatherget</code> Read weather forecasts');
    expect(html).toContain('<strong>Weather API</strong> <code>http://localhost:5000</code>');
    expect(html).toContain('wants to act for <strong>alice</strong>');
  });
});
