import { loadConfig } from '../../config/config';
import { ResourceRegistry, withoutTrailingSlashes } from './resources';

describe('ResourceRegistry', () => {
  const resources = new ResourceRegistry(loadConfig({}).shared, 120);
  const API = 'http://localhost:5000';
  const MCP = 'http://localhost:8010/mcp';

  it('knows the API and the MCP server by their resource identifiers', () => {
    expect(resources.find(API)?.name).toBe('Weather API');
    expect(resources.find(MCP)?.name).toBe('MCP server');
  });

  it('tolerates a trailing slash, as new URL(...).href adds one', () => {
    expect(resources.find(`${API}/`)).toBe(resources.api);
    expect(resources.find(`${MCP}/`)).toBe(resources.mcp);
  });

  it.each([
    'http://localhost:8010',
    `${API}/other`,
    'http://localhost:5001',
    'http://LOCALHOST:5000x',
  ])('knows nothing else: %s', (indicator) => {
    expect(resources.find(indicator)).toBeUndefined();
  });

  it('describes each scope in the words of the APIs list, OpenID scopes included', () => {
    expect(resources.describe('weatherget')).toBe('Read weather forecasts');
    expect(resources.describe('openid')).toBe('Sign you in with your user identifier');
    expect(resources.describe('constructor')).toBe('constructor');
  });
});

describe('withoutTrailingSlashes', () => {
  it.each([
    ['http://a/', 'http://a'],
    ['http://a///', 'http://a'],
    ['http://a', 'http://a'],
    ['///', ''],
    ['', ''],
  ])('%s -> %s', (input, expected) => {
    expect(withoutTrailingSlashes(input)).toBe(expected);
  });

  it('is linear on a slash run followed by another character (no ReDoS)', () => {
    // /\/+$/ needs seconds for this input; a linear scan needs well under a millisecond.
    const hostile = `http://a/${'/'.repeat(200_000)}x`;
    const started = performance.now();
    expect(withoutTrailingSlashes(hostile)).toBe(hostile);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
