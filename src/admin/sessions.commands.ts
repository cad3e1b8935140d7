import { endAccess } from '../auth/users/end-access';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';
import { existing } from './users.commands';

/** `sessions revoke --user <name>`: signs the user out everywhere, without disabling them. */
export async function sessionsCommand(
  context: AdminContext,
  action: string | undefined,
): Promise<void> {
  if (action !== 'revoke') {
    throw new AdminError('usage', `unknown sessions command "${action ?? ''}"`);
  }
  const username = context.options.get('--user');
  if (!username) throw new AdminError('usage', 'sessions revoke needs --user <name>');
  const user = await existing(context, username);
  const ended = await endAccess(context.store, { accountId: user.sub }, context.tokenLifetimes);
  print(
    context,
    `revoked ${ended.grants} grant(s) and ${ended.sessions} session(s) of "${user.username}"\n`,
    { username: user.username, ...ended },
  );
}
