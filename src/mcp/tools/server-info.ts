import { z } from 'zod';
import type { SharedConfig } from '../../config/config';
import { mcpScopes } from '../transport/mcp-auth';

export const serverInfoSchema = z.object({
  message: z.string(),
  resource: z.string().describe("This server's OAuth resource identifier (RFC 8707)"),
  authorizationServer: z.string().describe('Issuer that grants access to this server'),
  scopesSupported: z.array(z.string()).describe('Scopes that unlock more tools'),
});

export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** What anyone may know about this server: the seed's public endpoint, plus how to get in. */
export function serverInfo(config: SharedConfig): ServerInfo {
  return {
    message: 'This is public information from the weather MCP server; no scope is needed.',
    resource: config.mcpResource,
    authorizationServer: config.issuer,
    scopesSupported: [...mcpScopes(config)],
  };
}
