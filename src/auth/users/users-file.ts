import { readFile } from 'node:fs/promises';
import { isPasswordHash } from './password';
import { CLAIMS } from '../catalog/scopes';
import type { UserClaims } from './users';
import { StartupError } from '../../config/startup-error';

/**
 * The users file (USERS_FILE), an import format: its users are added to the store at start-up
 * (seed-users.ts), where `npm run admin` manages them from then on:
 *
 *   { "users": [ { "username": "carol", "passwordHash": "scrypt$…",
 *                  "claims": { "sub": "c-123", "name": "Carol Jones", "email": "…" } } ] }
 *
 * Only `username`, `passwordHash` and `claims.sub` are required; `claims` may hold any claim
 * the provider issues (CLAIMS in scopes.ts), and `preferred_username` defaults to the username.
 */
export interface FileUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly claims: UserClaims;
}

/** A username and sub held by someone outside the file (a development user). */
export interface TakenIdentity {
  readonly username: string;
  readonly sub: string;
  /** Who holds it, as the error message should name them. */
  readonly owner: string;
}

export class UsersFileError extends StartupError {
  override readonly name = 'UsersFileError';
  readonly code = 'ERR_USERS_FILE';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid users file ${file}:\n  - ${problems.join('\n  - ')}`);
  }
}

const ENTRY_FIELDS = ['username', 'passwordHash', 'claims'];
const CLAIM_NAMES: readonly string[] = Object.values(CLAIMS).flat();
const HASH_HINT = 'print one with `npm run hash-password`';

export async function readUsersFile(
  file: string,
  taken: readonly TakenIdentity[] = [],
): Promise<FileUser[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsersFileError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseUsersFile(text, file, taken);
}

/** Every problem in the file at once, so one restart fixes them all. */
export function parseUsersFile(
  text: string,
  file: string,
  taken: readonly TakenIdentity[] = [],
): FileUser[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  if (!isObject(document) || !Array.isArray(document.users)) {
    throw new UsersFileError(file, ['must be a JSON object with a "users" array']);
  }
  const problems = Object.keys(document)
    .filter((key) => key !== 'users')
    .map((key) => `unknown top-level field "${key}"`);
  const entries: unknown[] = document.users;
  const users = entries.map((entry, index) => {
    const parsed = parseEntry(entry);
    const label = entryLabel(index, entry);
    problems.push(...parsed.problems.map((problem) => `${label}: ${problem}`));
    return parsed.user;
  });
  checkUnique(users, taken, problems);
  if (problems.length) throw new UsersFileError(file, problems);
  return users as FileUser[];
}

function parseEntry(entry: unknown): { user?: FileUser; problems: string[] } {
  if (!isObject(entry)) {
    return { problems: ['must be an object with username, passwordHash and claims'] };
  }
  const problems: string[] = [];
  for (const key of Object.keys(entry)) {
    if (looksLikePlaintextPassword(key)) {
      problems.push(`has a "${key}" field: store only a "passwordHash" (${HASH_HINT})`);
    } else if (!ENTRY_FIELDS.includes(key)) {
      problems.push(`unknown field "${key}" (known: ${ENTRY_FIELDS.join(', ')})`);
    }
  }
  const { username, passwordHash } = entry;
  if (username === undefined) problems.push('username is missing');
  else if (typeof username !== 'string' || !username.trim() || username !== username.trim()) {
    problems.push('username must be a non-empty string without surrounding spaces');
  }
  const hashProblem = passwordHashProblem(passwordHash);
  if (hashProblem) problems.push(hashProblem);
  const claims = parseClaims(entry.claims, problems);
  if (problems.length || typeof username !== 'string' || typeof passwordHash !== 'string') {
    return { problems };
  }
  const user = {
    username,
    passwordHash,
    claims: { preferred_username: username, ...claims } as UserClaims,
  };
  return { user, problems };
}

/** Never echoes the value: when it is not a hash, it may well be someone's password. */
function passwordHashProblem(value: unknown): string | undefined {
  if (value === undefined) return `passwordHash is missing (${HASH_HINT})`;
  if (typeof value !== 'string' || !value.startsWith('scrypt$')) {
    return `passwordHash is not a scrypt hash; is it a plaintext password? (${HASH_HINT})`;
  }
  if (!isPasswordHash(value)) {
    return `passwordHash is not a valid scrypt$N$r$p$salt$key hash (${HASH_HINT})`;
  }
  return undefined;
}

function parseClaims(claims: unknown, problems: string[]): Record<string, string | boolean> {
  if (!isObject(claims)) {
    problems.push('claims must be an object with at least "sub"');
    return {};
  }
  const parsed: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (looksLikePlaintextPassword(name)) {
      problems.push(`claims.${name}: passwords do not belong in claims (${HASH_HINT})`);
    } else if (!CLAIM_NAMES.includes(name)) {
      problems.push(`claims.${name} is not a claim this server issues (${CLAIM_NAMES.join(', ')})`);
    } else {
      const problem = claimProblem(name, value);
      if (problem) problems.push(`claims.${name} ${problem}`);
      else parsed[name] = value as string | boolean;
    }
  }
  if (!('sub' in claims)) problems.push('claims.sub is missing');
  return parsed;
}

/** What is wrong with a claim's value, if anything. */
function claimProblem(name: string, value: unknown): string | undefined {
  if (name === 'email_verified') {
    return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
  if (typeof value !== 'string' || !value.trim()) return 'must be a non-empty string';
  switch (name) {
    case 'sub':
      // OpenID Connect Core 1.0 §2: at most 255 ASCII characters, never reassigned.
      return /^[\x20-\x7e]{1,255}$/.test(value) && value === value.trim()
        ? undefined
        : 'must be at most 255 printable ASCII characters without surrounding spaces';
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(value) ? undefined : 'is not an email address';
    case 'website':
      return isHttpUrl(value) ? undefined : 'must be an http(s) URL';
    default:
      return undefined;
  }
}

/** Usernames (case-insensitively, as sign-in matches them) and subs each belong to one user. */
function checkUnique(
  users: readonly (FileUser | undefined)[],
  taken: readonly TakenIdentity[],
  problems: string[],
) {
  const usernames = new Map(taken.map((t) => [t.username.toLowerCase(), t.owner]));
  const subs = new Map(taken.map((t) => [t.sub, t.owner]));
  users.forEach((user, index) => {
    if (!user) return;
    const label = entryLabel(index, user);
    const key = user.username.toLowerCase();
    const usernameOwner = usernames.get(key);
    if (usernameOwner) {
      problems.push(`${label}: username "${user.username}" is already taken by ${usernameOwner}`);
    } else usernames.set(key, label);
    const subOwner = subs.get(user.claims.sub);
    if (subOwner) {
      problems.push(`${label}: sub "${user.claims.sub}" is already taken by ${subOwner}`);
    } else subs.set(user.claims.sub, label);
  });
}

function entryLabel(index: number, entry: unknown): string {
  const username = isObject(entry) ? entry.username : undefined;
  return typeof username === 'string'
    ? `users[${index}] (${JSON.stringify(username)})`
    : `users[${index}]`;
}

function looksLikePlaintextPassword(key: string): boolean {
  return key !== 'passwordHash' && /pass(word|wd)?$|^pwd$|plain/i.test(key);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
