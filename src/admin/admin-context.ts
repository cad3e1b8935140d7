import type { KeyPolicy } from '../auth/keys/keyset';
import type { TokenLifetimeSettings } from '../auth/tokens/token-lifetime';
import type { AuthStore } from '../storage/store';
import { terminalSafeJson } from './terminal-text';

/** What every command gets: the server's store and settings, its options, and the terminal. */
export interface AdminContext {
  readonly store: AuthStore;
  /** The server's token lifetimes: how long a revoked grant stays on the list. */
  readonly tokenLifetimes: TokenLifetimeSettings;
  /** The server's signing-key timing: the states `keys` computes must be the server's. */
  readonly keyPolicy: KeyPolicy;
  /** The clients configured in code, which `clients remove` leaves alone. */
  readonly seedClientIds: readonly string[];
  /** The resources (RFC 8707) and their scopes, which added clients may be allowed. */
  readonly resources: readonly { readonly id: string; readonly scopes: readonly string[] }[];
  readonly json: boolean;
  readonly options: ReadonlyMap<string, string>;
  out(text: string): void;
  readPassword(): Promise<string>;
}

/**
 * A command's result: a table for people or a value for `--json`. Stored text in `forPeople`
 * must already be terminalSafe (formatTable does it for its cells).
 */
export function print(context: AdminContext, forPeople: string, forScripts: unknown): void {
  context.out(context.json ? `${terminalSafeJson(forScripts)}\n` : forPeople);
}
