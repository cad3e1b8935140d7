import { errors } from 'oidc-provider';
import { loadConfig } from '../../config/config';
import { ResourceRegistry } from '../catalog/resources';
import { resourceIndicators, resourceServerInfo } from './resource-server';

const resources = new ResourceRegistry(loadConfig({}).shared, 120);
const API = 'http://localhost:5000';
const MCP = 'http://localhost:8010/mcp';

describe('resourceServerInfo', () => {
  const serverInfo = (indicator: string, ttlSeconds?: number) =>
    resourceServerInfo(resources, indicator, ttlSeconds);

  it('issues API tokens as RS256 JWTs with exactly the API as audience and the API scopes', () => {
    expect(serverInfo(`${API}/`)).toEqual({
      scope: 'weatherget api',
      audience: API,
      accessTokenTTL: 120,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    });
  });

  it('issues MCP tokens for the MCP resource with every scope a weather tool can need', () => {
    expect(serverInfo(MCP)).toMatchObject({ scope: 'weatherget api', audience: MCP });
    expect(serverInfo(MCP, 60).accessTokenTTL).toBe(60);
  });

  it('refuses an unknown resource with invalid_target (RFC 8707 §2)', () => {
    let thrown: unknown;
    try {
      serverInfo('https://evil.example');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(errors.InvalidTarget);
    expect((thrown as errors.InvalidTarget).error).toBe('invalid_target');
  });
});

describe('resourceIndicators: defaultResource', () => {
  const defaultResource = resourceIndicators(resources).defaultResource;
  const ctx = {} as never;
  const client = {} as never;

  it('prefers the API among granted resources, else the first', () => {
    expect(defaultResource(ctx, client, [MCP, API])).toBe(API);
    expect(defaultResource(ctx, client, [MCP])).toBe(MCP);
  });

  it('gives no default when nothing was granted', () => {
    expect(defaultResource(ctx, client)).toBeUndefined();
  });
});
