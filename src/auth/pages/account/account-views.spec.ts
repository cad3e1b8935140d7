import { accountPage, type AccountView, type ConnectedAppView } from './account-views';

const app = (overrides: Partial<ConnectedAppView> = {}): ConnectedAppView => ({
  grantId: 'grant-1',
  name: 'Weather SPA',
  scopes: ['openid', 'profile'],
  resources: [{ id: 'http://localhost:5000', name: 'Weather API', scopes: ['weatherget'] }],
  grantedAt: new Date('2026-11-30T08:15:30Z'),
  lastUsedAt: undefined,
  ...overrides,
});

const view = (overrides: Partial<AccountView> = {}): AccountView => ({
  userName: 'Alice Smith',
  csrf: 'token-1',
  revokeAction: '/account/revoke',
  signOutHref: '/connect/endsession',
  apps: [app()],
  identities: [],
  revoked: false,
  ...overrides,
});

describe('accountPage', () => {
  it('lists each app with its scopes, resources, dates and its own revoke form', () => {
    const html = accountPage(view());

    expect(html).toContain('<main class="card wide">');
    expect(html).toContain('<span class="app-name">Weather SPA</span>');
    expect(html).toContain('<code>openid</code> <code>profile</code>');
    expect(html).toContain('<strong>Weather API</strong> <code>http://localhost:5000</code>');
    expect(html).toContain('<time datetime="2026-11-30T08:15:30.000Z">2026-11-30 08:15 UTC</time>');
    expect(html).toMatch(/Last used<\/dt>\s*<dd>not on record<\/dd>/);
    expect(html).toContain('<form method="post" action="/account/revoke"');
    expect(html).toContain('<input type="hidden" name="csrf" value="token-1" />');
    expect(html).toContain('<input type="hidden" name="grant" value="grant-1" />');
    expect(html).not.toContain('Unverified');
    expect(html).not.toContain('<script');
  });

  it('marks a self-named app unverified and escapes what it chose to call itself', () => {
    const html = accountPage(
      view({
        apps: [
          app({
            name: '<img src=x onerror=alert(1)>',
            unverified: { redirectHosts: ['127.0.0.1:4567'], metadataHost: 'tools.example' },
          }),
        ],
      }),
    );

    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('<span class="badge">Unverified</span>');
    expect(html).toContain('<dt>Sends you to</dt>\n    <dd>127.0.0.1:4567</dd>');
    expect(html).toContain('<dt>Described at</dt><dd>tools.example</dd>');
  });

  it('says when nothing is connected, and confirms a revocation', () => {
    const html = accountPage(view({ apps: [], revoked: true }));

    expect(html).toContain('No app has access to your account.');
    expect(html).toContain('<p class="notice" role="status">Access revoked.</p>');
    expect(html).not.toContain('<form');
  });

  it('lists linked identities with provider, email and dates, escaping what the upstream said', () => {
    const html = accountPage(
      view({
        identities: [
          {
            provider: 'Corp SSO',
            email: '<b>carol</b>@corp.test',
            linkedAt: new Date('2026-11-01T09:00:00Z'),
            lastUsedAt: new Date('2026-11-30T10:30:00Z'),
          },
          {
            provider: 'Partner',
            email: undefined,
            linkedAt: new Date('2026-11-02T09:00:00Z'),
            lastUsedAt: new Date('2026-11-02T09:00:00Z'),
          },
        ],
      }),
    );

    expect(html).toContain('<h2 id="identities-heading">Linked identities</h2>');
    expect(html).toContain('<h3>Corp SSO</h3>');
    expect(html).toContain('<dd>&#60;b&#62;carol&#60;/b&#62;@corp.test</dd>');
    expect(html).not.toContain('<b>carol');
    expect(html).toMatch(/Linked<\/dt>\s*<dd><time datetime="2026-11-01T09:00:00.000Z">/);
    expect(html).toMatch(/Last used<\/dt>\s*<dd><time datetime="2026-11-30T10:30:00.000Z">/);
    expect(html).toMatch(/<h3>Partner<\/h3>\s*<dl>\s*<dt>Email<\/dt>\s*<dd>none given<\/dd>/);
  });

  it('says how many apps the newest page leaves out and links to them', () => {
    const html = accountPage(
      view({
        apps: [app(), app({ grantId: 'grant-2' })],
        paging: { total: 7, totalCapped: false, olderHref: '/account?before=1700000000.g-2' },
      }),
    );

    expect(html).toContain(
      'The 2 most recently connected of 7 apps with access; 5 more are older.',
    );
    expect(html).toContain('<a href="/account?before=1700000000.g-2">Older apps</a>');
    expect(html).not.toContain('Newest apps');
  });

  it('on an older page links back to the newest, and says when counting stopped', () => {
    const html = accountPage(
      view({ paging: { total: 1000, totalCapped: true, newestHref: '/account' } }),
    );

    expect(html).toContain('Older apps: 1 of at least 1000 apps with access.');
    expect(html).not.toContain('No app has access');
    expect(html).toContain('<a href="/account">Newest apps</a>');
    expect(html).not.toContain('>Older apps</a>');
  });

  it('past the oldest app says there are no older ones, not that none has access', () => {
    const html = accountPage(
      view({ apps: [], paging: { total: 3, totalCapped: false, newestHref: '/account' } }),
    );

    expect(html).toContain('No older apps.');
    expect(html).not.toContain('No app has access');
  });

  it('says nothing about paging when every app is on the page', () => {
    const html = accountPage(view({ paging: { total: 1, totalCapped: false } }));

    expect(html).not.toContain('class="paging"');
  });

  it('has no linked-identities section for a user without one', () => {
    expect(accountPage(view())).not.toContain('Linked identities');
  });
});
