import { apiScopes } from '../../config/apis';
import type { SharedConfig } from '../../config/config';

/**
 * What a client must ask for to use this server's tools (RFC 9728 `scopes_supported`): every
 * scope the configured APIs define, the same list the AuthServer lets MCP tokens carry.
 */
export function mcpScopes(config: SharedConfig): readonly string[] {
  return apiScopes(config.apis);
}
