/**
 * The one environment that satisfies production's checks (no development secrets, real cookie
 * keys), for the config spec and the e2e suites alike. It leaves HOST to the caller: the
 * production default is every interface, test systems bind loopback.
 */
export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  MCPCLIENT_SECRET: 'a-production-secret-for-mcpclient',
  M2M_CLIENT_SECRET: 'a-production-secret-for-m2m',
  MCP_SERVER_CLIENT_SECRET: 'a-production-secret-for-mcp-server',
  COOKIE_KEYS: `${'k'.repeat(32)},${'l'.repeat(40)}`,
} as const;
