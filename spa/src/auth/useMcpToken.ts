import { useEffect, useState } from 'react';
import { useAuth } from './auth-context';
import type { McpToken } from './mcp-token-store';

export type McpTokenState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly token: McpToken }
  | { readonly status: 'failed'; readonly error: unknown };

/**
 * The MCP-audience token for the signed-in user. Re-reads after every renewal (a new User) and
 * whenever `attempt` changes, so a page can offer "try again".
 */
export function useMcpToken(attempt = 0): McpTokenState {
  const { userManager, user } = useAuth();
  const [state, setState] = useState<McpTokenState>({ status: 'loading' });

  useEffect(() => {
    if (!user) return undefined;
    let active = true;
    userManager.mcpToken().then(
      (token) => {
        if (active) setState({ status: 'ready', token });
      },
      (error: unknown) => {
        if (active) setState({ status: 'failed', error });
      },
    );
    return () => {
      active = false;
    };
  }, [userManager, user, attempt]);

  return state;
}
