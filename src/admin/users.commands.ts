import { randomUUID } from 'node:crypto';
import type { StoredUser } from '../storage/account-store';
import { endAccess } from '../auth/users/end-access';
import { hashPassword } from '../auth/users/password';
import { describePasswordProblem, passwordProblem } from '../auth/users/password-policy';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';
import { formatTable, formatTime } from './table';

/** Usernames as people type them: no spaces, nothing a log or a table would garble. */
const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

export async function usersCommand(
  context: AdminContext,
  action: string | undefined,
  name: string | undefined,
): Promise<void> {
  if (action === 'list') return listUsers(context);
  if (!name) throw new AdminError('usage', `users ${action ?? '<command>'} needs a username`);
  switch (action) {
    case 'add':
      return addUser(context, name);
    case 'disable':
      return disableUser(context, name);
    case 'enable':
      return enableUser(context, name);
    case 'set-password':
      return setPassword(context, name);
    case 'remove':
      return removeUser(context, name);
    default:
      throw new AdminError('usage', `unknown users command "${action ?? ''}"`);
  }
}

async function listUsers(context: AdminContext): Promise<void> {
  const users = await context.store.accounts.listUsers();
  const rows = users.map((u) => [
    u.username,
    u.sub,
    u.disabledAt === undefined ? 'enabled' : 'disabled',
    u.origin,
    formatTime(u.createdAt),
  ]);
  print(
    context,
    formatTable(['USERNAME', 'SUB', 'STATUS', 'ORIGIN', 'CREATED'], rows),
    users.map(publicView),
  );
}

async function addUser(context: AdminContext, username: string): Promise<void> {
  if (!USERNAME.test(username)) {
    throw new AdminError(
      'usage',
      'a username is 1 to 64 letters, digits, ".", "_", "@" or "-" characters',
    );
  }
  if (await context.store.accounts.findUser(username)) {
    throw new AdminError('exists', `user "${username}" exists already`);
  }
  const passwordHash = await newPasswordHash(context, username);
  const sub = randomUUID();
  const email = context.options.get('--email');
  const displayName = context.options.get('--name');
  const added = await context.store.accounts.addUser({
    username,
    sub,
    passwordHash,
    claims: {
      sub,
      preferred_username: username,
      ...(displayName ? { name: displayName } : {}),
      ...(email ? { email, email_verified: false } : {}),
    },
    origin: 'admin',
  });
  if (!added) throw new AdminError('exists', `user "${username}" exists already`);
  print(context, `added user "${username}" (sub ${sub})\n`, { username, sub, added: true });
}

async function disableUser(context: AdminContext, username: string): Promise<void> {
  const user = await existing(context, username);
  const ended = await cutOff(context, user);
  print(
    context,
    `disabled user "${user.username}": ${ended.grants} grant(s) revoked, ` +
      `${ended.sessions} session(s) ended\n`,
    { username: user.username, disabled: true, ...ended },
  );
}

async function enableUser(context: AdminContext, username: string): Promise<void> {
  const user = await existing(context, username);
  await context.store.accounts.setUserDisabled(username, undefined);
  print(context, `enabled user "${user.username}"\n`, { username: user.username, disabled: false });
}

async function setPassword(context: AdminContext, username: string): Promise<void> {
  const user = await existing(context, username);
  await context.store.accounts.setUserPassword(username, await newPasswordHash(context, username));
  print(
    context,
    `changed the password of "${user.username}" (sessions and grants stay: ` +
      '`sessions revoke --user` ends them)\n',
    { username: user.username, passwordChanged: true },
  );
}

async function removeUser(context: AdminContext, username: string): Promise<void> {
  const user = await existing(context, username);
  const ended = await cutOff(context, user);
  await context.store.accounts.removeUser(username);
  print(
    context,
    `removed user "${user.username}": ${ended.grants} grant(s) revoked, ` +
      `${ended.sessions} session(s) ended\n`,
    { username: user.username, removed: true, ...ended },
  );
}

/** Disables the user, then ends every grant and session they have. */
async function cutOff(context: AdminContext, user: StoredUser) {
  // Disabled first: no sign-in or refresh can start a grant while the old ones are ended.
  await context.store.accounts.setUserDisabled(user.username, Date.now());
  return endAccess(context.store, { accountId: user.sub }, context.tokenLifetimes);
}

export async function existing(context: AdminContext, username: string): Promise<StoredUser> {
  const user = await context.store.accounts.findUser(username);
  if (!user) throw new AdminError('not_found', `no user "${username}"`);
  return user;
}

async function newPasswordHash(context: AdminContext, username: string): Promise<string> {
  const password = await context.readPassword();
  const problem = passwordProblem(password, username);
  if (problem) throw new AdminError('weak_password', describePasswordProblem(problem));
  return hashPassword(password);
}

/** Everything but the password hash. */
function publicView({ passwordHash: _hash, ...user }: StoredUser) {
  return { ...user, disabled: user.disabledAt !== undefined, disabledAt: user.disabledAt ?? null };
}
