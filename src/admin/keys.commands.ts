import { keyStatuses, type KeyStatus } from '../auth/keys/keyset';
import { retireKeys, rotateKeys } from '../auth/keys/keyset.operations';
import { loadKeyset } from '../auth/keys/keyset.store';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';
import { formatTable } from './table';

/**
 * `keys rotate|list|retire [kid]`: the signing keys in the store. Every AuthServer replica picks
 * a change up on its next keyset refresh; the key states follow from the keyset, the clock and
 * the server's token lifetimes (context.keyPolicy), so this must run with the server's settings.
 * The command line is checked before a store is opened: a wrong one changes nothing.
 */
export function keysCommand(
  action: string | undefined,
  args: readonly string[],
): (context: AdminContext) => Promise<void> {
  switch (action) {
    case 'rotate':
      atMost(0, action, args);
      return rotate;
    case 'list':
      atMost(0, action, args);
      return list;
    case 'retire': {
      atMost(1, action, args);
      const kid = args[0];
      return (context) => retire(context, kid);
    }
    case undefined:
      throw new AdminError('usage', 'keys needs rotate, list or retire');
    default:
      throw new AdminError('usage', `unknown keys command "${action}"`);
  }
}

/** The words after the action: `retire` takes a kid, the others nothing. */
function atMost(count: number, action: string, args: readonly string[]): void {
  if (args.length > count) {
    throw new AdminError('usage', `keys ${action} does not take "${args.slice(count).join(' ')}"`);
  }
}

async function rotate(context: AdminContext): Promise<void> {
  const result = await rotateKeys(context.store, nowSeconds, context.keyPolicy);
  switch (result.outcome) {
    case 'rotated':
      return print(
        context,
        `rotated: ${result.key.kid} is published now and signs from ${iso(result.key.activatesAt)}\n`,
        { rotated: result.key.kid, activatesAt: result.key.activatesAt },
      );
    case 'already_pending':
      throw new AdminError(
        'refused',
        `refused: ${result.key.kid} is already pending until ${iso(result.key.activatesAt)}`,
      );
    case 'lost_race':
      throw new AdminError(
        'refused',
        'refused: another process changed the keyset at the same time; run it again',
      );
  }
}

async function list(context: AdminContext): Promise<void> {
  const statuses = await currentStatuses(context);
  const rows = statuses.map((s) => [
    s.key.kid,
    s.state,
    iso(s.key.createdAt),
    s.key.activatesAt === 0 ? 'always' : iso(s.key.activatesAt),
    iso(s.retiresAt),
  ]);
  print(
    context,
    formatTable(['kid', 'state', 'created', 'activates', 'retires'], rows),
    statuses.map((s) => ({
      kid: s.key.kid,
      state: s.state,
      createdAt: s.key.createdAt,
      activatesAt: s.key.activatesAt,
      retiresAt: s.retiresAt ?? null,
    })),
  );
}

/** With a kid, first checks that the key is retired, so a typo cannot look like success. */
async function retire(context: AdminContext, kid: string | undefined): Promise<void> {
  if (kid !== undefined) {
    const status = (await currentStatuses(context)).find((s) => s.key.kid === kid);
    if (!status) throw new AdminError('not_found', `refused: no key ${kid}`);
    if (status.state !== 'retired') {
      throw new AdminError(
        'refused',
        `refused: ${kid} is ${status.state}; tokens it signed may be valid until ` +
          iso(status.retiresAt),
      );
    }
  }
  const retired = await retireKeys(context.store, nowSeconds(), context.keyPolicy);
  if (retired === undefined) {
    throw new AdminError('refused', 'refused: another process changed the keyset; run it again');
  }
  const lines = retired.map((key) => `retired: ${key.kid}\n`).join('');
  print(
    context,
    lines || 'nothing to retire\n',
    retired.map((key) => key.kid),
  );
}

async function currentStatuses(context: AdminContext): Promise<KeyStatus[]> {
  const { keyset } = await loadKeyset(context.store, nowSeconds());
  return keyStatuses(keyset, nowSeconds(), context.keyPolicy);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Epoch seconds to the second, as the key lifecycle is timed; '-' for never. */
function iso(seconds: number | undefined): string {
  return seconds === undefined ? '-' : new Date(seconds * 1000).toISOString();
}
