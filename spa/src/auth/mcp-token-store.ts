/** The MCP-audience access token, kept beside (not inside) oidc-client-ts's User record. */
export interface McpToken {
  readonly accessToken: string;
  /** `DPoP` when bound to the SPA's key (RFC 9449 §5), else `Bearer`. */
  readonly tokenType: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  readonly scope?: string;
}

function isMcpToken(value: unknown): value is McpToken {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.accessToken === 'string' &&
    typeof record.tokenType === 'string' &&
    typeof record.expiresAt === 'number'
  );
}

export class McpTokenStore {
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}

  read(): McpToken | undefined {
    const raw = this.storage.getItem(this.key);
    if (!raw) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isMcpToken(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  write(token: McpToken): void {
    this.storage.setItem(this.key, JSON.stringify(token));
  }

  clear(): void {
    this.storage.removeItem(this.key);
  }
}
