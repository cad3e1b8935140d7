import { bearerGuardFor } from '../../bearer/bearer.guard';
import { jwtStrategyFor } from '../../bearer/jwt.strategy';
import { apiScopes } from '../../config/apis';
import type { SharedConfig } from '../../config/config';

// Its own strategy name: passport strategies are process-global, and the API role in the
// same process must keep refusing MCP-audience tokens (and this role API-audience ones).
const STRATEGY = 'mcp-server-jwt';

export const McpJwtStrategy = jwtStrategyFor(STRATEGY);
export const McpBearerGuard = bearerGuardFor(STRATEGY, McpJwtStrategy);

/**
 * What a client must ask for to use this server's tools (RFC 9728 `scopes_supported`): every
 * scope the configured APIs define, the same list the AuthServer lets MCP tokens carry.
 */
export function mcpScopes(config: SharedConfig): readonly string[] {
  return apiScopes(config.apis);
}
