import { PRODUCTION_ENV } from '../../../test/support/production-env';
import { loadConfig } from '../../config/config';
import { OriginPolicy } from './origin-policy';

describe('OriginPolicy', () => {
  const policyFor = (env: Record<string, string>) => {
    const config = loadConfig(env);
    return OriginPolicy.fromConfig(config.shared, config.mcp);
  };
  const development = policyFor({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
  const production = policyFor({
    ...PRODUCTION_ENV,
    CORS_ORIGINS: 'https://app.example.com',
    MCP_BASE_URL: 'https://mcp.example.com',
  });

  it.each([
    ['https://app.example.com', true],
    ['http://localhost:5173', true],
    ['http://localhost:8010', true],
    ['http://localhost:6274', true],
    ['http://127.0.0.1:6276', true],
    ['http://[::1]:3000', true],
    ['https://evil.example', false],
    ['https://app.example.com.evil.example', false],
    ['http://app.example.com', false],
    ['null', false],
    ['https://app.example.com/', false],
    ['not an origin', false],
  ])('in development, %s -> %s', (origin, allowed) => {
    expect(development.allows(origin)).toBe(allowed);
  });

  it.each([
    ['https://app.example.com', true],
    ['https://mcp.example.com', true],
    ['http://localhost:6274', false],
    ['http://127.0.0.1:8010', false],
  ])('in production only the configured origins and its own: %s -> %s', (origin, allowed) => {
    expect(production.allows(origin)).toBe(allowed);
  });
});
