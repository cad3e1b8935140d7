import { tokenAccessPolicy } from './token-access.policy';

describe('tokenAccessPolicy', () => {
  const mayAccess = tokenAccessPolicy(new Map([['mcp.server', ['http://localhost:8010/mcp']]]));

  it('lets the client a token was issued to introspect or revoke it', () => {
    expect(
      mayAccess('interactive', { clientId: 'interactive', aud: 'http://localhost:5000' }),
    ).toBe(true);
  });

  it('lets a resource server at the token’s audience in, whether aud is a string or a list', () => {
    expect(mayAccess('mcp.server', { clientId: 'spa', aud: 'http://localhost:8010/mcp' })).toBe(
      true,
    );
    expect(
      mayAccess('mcp.server', {
        clientId: 'spa',
        aud: ['http://localhost:5000', 'http://localhost:8010/mcp'],
      }),
    ).toBe(true);
  });

  it('keeps a resource server out of tokens for other audiences', () => {
    expect(mayAccess('mcp.server', { clientId: 'spa', aud: 'http://localhost:5000' })).toBe(false);
    expect(mayAccess('mcp.server', { clientId: 'spa' })).toBe(false);
  });

  it('keeps any other client out', () => {
    expect(mayAccess('m2m.client', { clientId: 'spa', aud: 'http://localhost:8010/mcp' })).toBe(
      false,
    );
    expect(mayAccess('m2m.client', { aud: 'http://localhost:5000' })).toBe(false);
  });
});
