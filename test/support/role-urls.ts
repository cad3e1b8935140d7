import type { TestUrls } from './system';

/** The four roles' origins on loopback ports, named `localhost` as the defaults name them. */
export function localUrls([auth, api, mcp, spa]: readonly number[]): TestUrls {
  return {
    issuer: `http://localhost:${auth}`,
    api: `http://localhost:${api}`,
    mcp: `http://localhost:${mcp}`,
    spa: `http://localhost:${spa}`,
  };
}

/** The configuration that tells every role where the others are. */
export function urlsEnv(urls: TestUrls): Record<string, string> {
  return {
    ISSUER_URL: urls.issuer,
    API_BASE_URL: urls.api,
    MCP_BASE_URL: urls.mcp,
    SPA_URL: urls.spa,
  };
}
