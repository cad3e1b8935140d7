import type { McpConfig, SharedConfig } from '../../config/config';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Which browser origins may talk to the MCP server. MCP transport spec ("Security Warning"):
 * servers MUST validate `Origin` and answer 403 when it is present and invalid, against DNS
 * rebinding. Allowed: the configured CORS origins, the server's own origin, and in development
 * any loopback http origin (the MCP Inspector's web UI and local tools pick their own ports).
 * Comparison is by exact serialized origin, so scheme and port count.
 */
export class OriginPolicy {
  constructor(
    private readonly allowed: ReadonlySet<string>,
    private readonly allowLoopback: boolean,
  ) {}

  static fromConfig(shared: SharedConfig, config: McpConfig): OriginPolicy {
    const own = new URL(shared.mcpBaseUrl).origin;
    return new OriginPolicy(new Set([...config.corsOrigins, own]), !shared.production);
  }

  allows(origin: string): boolean {
    const url = URL.parse(origin);
    // `null` (opaque origins) and anything that is not a bare origin are refused.
    if (!url || url.origin === 'null' || url.origin !== origin) return false;
    if (this.allowed.has(url.origin)) return true;
    return this.allowLoopback && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  }
}
