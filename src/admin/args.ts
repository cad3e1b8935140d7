import { AdminError } from './admin-error';

export interface ParsedArgs {
  readonly words: readonly string[];
  readonly json: boolean;
  readonly options: ReadonlyMap<string, string>;
}

/** Options that take a value. */
const VALUE_OPTIONS = [
  '--user',
  '--email',
  '--name',
  '--key-file',
  '--jwks-uri',
  '--grant',
  '--resource',
  '--scope',
  '--auth',
  '--file',
  '--issuer',
  '--client-id',
  '--client-secret-file',
  '--scopes',
  '--domains',
  '--allowed-email-domains',
  '--jit',
  '--link-by-email',
  '--rule',
] as const;
/** Options without a value, recorded as "true"; `--json` has a field of its own. */
const FLAGS = ['--secret'] as const;

/** `users add carol --email c@example.com --json` → words, options and the json flag. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const words: string[] = [];
  const options = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if ((FLAGS as readonly string[]).includes(arg)) options.set(arg, 'true');
    else if ((VALUE_OPTIONS as readonly string[]).includes(arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new AdminError('usage', `${arg} needs a value`);
      }
      options.set(arg, value);
      i += 1;
    } else if (arg.startsWith('--password')) {
      throw new AdminError(
        'usage',
        'passwords are read from a prompt or stdin, never from arguments (they end up in shell history)',
      );
    } else if (arg.startsWith('--')) throw new AdminError('usage', `unknown option ${arg}`);
    else words.push(arg);
  }
  return { words, json, options };
}
