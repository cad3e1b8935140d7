import { loadConfig } from '../config/config';
import { seedClients } from '../auth/provider/clients';
import { openStore } from '../storage/open-store';
import { AdminError, exitCodeOf } from './admin-error';
import type { AdminContext } from './admin-context';
import { parseArgs } from './args';
import { clientsCommand } from './clients.commands';
import { readNewPassword } from './password-input';
import { sessionsCommand } from './sessions.commands';
import { usersCommand } from './users.commands';

export const USAGE = `usage: npm run admin -- <command> [--json]
  users list
  users add <name> [--name "Display Name"] [--email address]   password from a prompt or stdin
  users disable|enable|remove <name>
  users set-password <name>                                    password from a prompt or stdin
  clients list
  clients show|remove <client_id>
  sessions revoke --user <name>
`;

/**
 * `npm run admin`: runs one command against the store the server uses (DATABASE_URL or
 * SQLITE_PATH, read by the same config loader) and returns the exit code.
 */
export async function runAdmin(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const [area, action, target] = args.words;
    if (!area || area === 'help') {
      process.stdout.write(USAGE);
      return area ? 0 : 2;
    }
    const config = loadConfig();
    const store = await openStore(config.storage);
    const context: AdminContext = {
      store,
      tokenLifetimes: { auth: config.auth, apis: config.shared.apis },
      seedClientIds: seedClients(config.shared, config.auth).map((c) => c.client_id),
      json: args.json,
      options: args.options,
      out: (text) => process.stdout.write(text),
      readPassword: () => readNewPassword(process.stdin, process.stderr),
    };
    try {
      await dispatch(context, area, action, target);
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    process.stderr.write(`admin: ${error.message}\n`);
    if (error.code === 'usage') process.stderr.write(USAGE);
    return exitCodeOf(error);
  }
}

function dispatch(
  context: AdminContext,
  area: string,
  action: string | undefined,
  target: string | undefined,
): Promise<void> {
  switch (area) {
    case 'users':
      return usersCommand(context, action, target);
    case 'clients':
      return clientsCommand(context, action, target);
    case 'sessions':
      return sessionsCommand(context, action);
    default:
      throw new AdminError('usage', `unknown command "${area}"`);
  }
}
