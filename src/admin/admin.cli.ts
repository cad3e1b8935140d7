import { loadConfig } from '../config/config';
import { loadEnvFile } from '../config/env-file';
import { StartupError } from '../config/startup-error';
import { keyPolicy } from '../auth/keys/key-policy';
import { seedClients } from '../auth/catalog/clients';
import { ResourceRegistry } from '../auth/catalog/resources';
import { AdminError, exitCodeOf } from './admin-error';
import type { AdminContext } from './admin-context';
import { openNamedStore } from './admin-store';
import { parseArgs } from './args';
import { clientsCommand } from './clients.commands';
import { hashPasswordCommand } from './hash-password.command';
import { idpsCommand } from './idps.commands';
import { keysCommand } from './keys.commands';
import { readNewPassword } from './password-input';
import { sessionsCommand } from './sessions.commands';
import { trustCommand } from './trust.commands';
import { usersCommand } from './users.commands';

export const USAGE = `usage: npm run admin -- <command> [--json]
  users list
  users add <name> [--name "Display Name"] [--email address]   password from a prompt or stdin
  users disable|enable|remove <name>
  users set-password <name>                                    password from a prompt or stdin
  users hash-password                     a hash for USERS_FILE; password from a prompt or stdin
  clients list
  clients show|remove <client_id>
  clients add <client_id> (--key-file <public PEM/JWK> | --jwks-uri <url> | --secret [--auth client_secret_post])
      [--grant client_credentials|jwt-bearer] --resource <uri> --scope "<scopes>" [--name "Display Name"]
  trust workloads add --file <issuers.json>   workload issuers and claim rules (SEP-1933)
  trust idps add --file <idps.json>           identity providers whose ID-JAGs we take (SEP-990)
  trust audiences add --file <audiences.json> servers we issue ID-JAGs for (SEP-990)
  trust workloads|idps|audiences list|remove [id]
  sessions revoke --user <name>
  keys rotate|list|retire [kid]           signing keys (alias: npm run keys -- …)
  idps list
  idps add <slug> --issuer URL --client-id ID --client-secret-file PATH [--name "Corp SSO"]
       [--scopes "openid email"] [--domains corp.example] [--jit on] [--link-by-email on]
       [--allowed-email-domains corp.example] [--rule weatherget:groups=weather-readers]
  idps import <file.json>                 one upstream object or an array of them
  idps remove <slug>
`;

/**
 * `npm run admin`: runs one command against the store the server uses and returns the exit
 * code. It reads `.env` and the environment with the server's own loader, and names the store
 * it opens on stderr, so an operator sees when it is not the server's.
 */
export async function runAdmin(argv: readonly string[]): Promise<number> {
  const readPassword = () => readNewPassword(process.stdin, process.stderr);
  const out = (text: string) => process.stdout.write(text);
  try {
    loadEnvFile();
    const args = parseArgs(argv);
    const [area, action, ...rest] = args.words;
    if (!area || area === 'help') {
      process.stdout.write(USAGE);
      return area ? 0 : 2;
    }
    // Needs neither a store nor the server's settings.
    if (area === 'users' && action === 'hash-password') {
      await hashPasswordCommand({ json: args.json, out, readPassword }, rest);
      return 0;
    }
    const command = commandFor(area, action, rest);
    const config = loadConfig();
    const store = await openNamedStore(config.storage, (text) => process.stderr.write(text));
    const resources = new ResourceRegistry(config.shared, config.auth.accessTokenTtlSeconds);
    const context: AdminContext = {
      store,
      tokenLifetimes: { auth: config.auth, apis: config.shared.apis },
      keyPolicy: keyPolicy(config.auth, config.shared.apis),
      seedClientIds: seedClients(config.shared, config.auth, resources).map((c) => c.client_id),
      resources: resources.all,
      json: args.json,
      options: args.options,
      out,
      readPassword,
    };
    try {
      await command(context);
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    return refusal(error);
  }
}

/** The command, chosen before a store is opened: an unknown one changes nothing. */
function commandFor(
  area: string,
  action: string | undefined,
  rest: readonly string[],
): (context: AdminContext) => Promise<void> {
  switch (area) {
    case 'users':
      return (context) => usersCommand(context, action, rest[0]);
    case 'clients':
      return (context) => clientsCommand(context, action, rest[0]);
    case 'trust':
      return (context) => trustCommand(context, action, rest[0], rest[1]);
    case 'sessions':
      return (context) => sessionsCommand(context, action);
    case 'keys':
      return keysCommand(action, rest);
    case 'idps':
      return (context) => idpsCommand(context, action, rest[0]);
    default:
      throw new AdminError('usage', `unknown command "${area}"`);
  }
}

/** One line and an exit code for what the operator can fix; anything else is a bug, thrown on. */
function refusal(error: unknown): number {
  if (error instanceof StartupError) {
    process.stderr.write(`admin: ${error.message}\n`);
    return 1;
  }
  if (!(error instanceof AdminError)) throw error;
  process.stderr.write(`admin: ${error.message}\n`);
  if (error.code === 'usage') process.stderr.write(USAGE);
  return exitCodeOf(error);
}
