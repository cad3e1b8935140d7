import { useCallback } from 'react';
import { useAuth } from '../auth/auth-context';
import { McpPanel } from '../mcp/McpPanel';

export function McpPage() {
  const { userManager, config, signIn } = useAuth();
  const mcpCredential = useCallback(() => userManager.mcpCredential(), [userManager]);

  return (
    <section aria-labelledby="mcp-title">
      <h1 id="mcp-title">MCP server</h1>
      <p className="lead">
        The browser speaks JSON-RPC to <code>POST {config.mcpResource}</code> (Streamable HTTP) with
        the access token whose audience is the MCP server. It asks <code>server/discover</code>{' '}
        first and then speaks protocol 2026-07-28: no handshake, every request names the revision in
        its <code>MCP-Protocol-Version</code> header and its <code>_meta</code>. A server without
        2026-07-28 gets the 2025 <code>initialize</code> handshake instead. The weather tool then
        calls the API with a token of its own.
      </p>
      <McpPanel
        endpoint={config.mcpResource}
        credential={mcpCredential}
        onSignIn={() => void signIn('/mcp')}
      />
    </section>
  );
}
