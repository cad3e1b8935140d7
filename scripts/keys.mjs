// `npm run build && npm run keys -- rotate|list|retire [kid]`: signing-key rotation on the store
// the servers use (DATABASE_URL, or SQLITE_PATH for embedded SQLite; the same environment as
// the AuthServer, whose TTLs and KEY_ACTIVATION_DELAY_SECONDS decide the key states). Every
// AuthServer replica picks the change up on its next keyset refresh. Uses dist/ (the build).
//
//   rotate        add a new key: published now, signing after KEY_ACTIVATION_DELAY_SECONDS
//   list          kid, state, created, activates, retires
//   retire        remove keys whose tokens have all expired (they already left the JWKS)
//   retire <kid>  the same, after checking that <kid> is one of them (refused otherwise)
// Exit status 1 on refusal (a key is already pending, the key is still needed, a concurrent
// change won), 2 on usage errors.
const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);

const [command, kidArgument, ...extra] = process.argv.slice(2);
if (!['rotate', 'list', 'retire'].includes(command) || extra.length > 0) {
  usage();
}

let modules;
try {
  modules = await Promise.all([
    dist('config/config.js'),
    dist('storage/open-store.js'),
    dist('auth/keys/key-policy.js'),
    dist('auth/keys/keyset.js'),
    dist('auth/keys/keyset.store.js'),
    dist('auth/keys/keyset.operations.js'),
  ]);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  fail('dist/ is missing: run `npm run build` first');
}
const [
  { loadConfig },
  { openStore },
  { keyPolicy },
  { keyStatuses },
  { loadKeyset },
  { rotateKeys, retireKeys },
] = modules;

let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error.message);
}
const policy = keyPolicy(config.auth, config.shared.apis);
const now = () => Math.floor(Date.now() / 1000);
const iso = (seconds) => (seconds === undefined ? '-' : new Date(seconds * 1000).toISOString());

const store = await openStore(config.storage);
try {
  switch (command) {
    case 'rotate':
      await rotate();
      break;
    case 'list':
      await list();
      break;
    case 'retire':
      await retire(kidArgument);
      break;
  }
} finally {
  await store.close();
}

async function rotate() {
  if (kidArgument) usage();
  const result = await rotateKeys(store, now, policy);
  switch (result.outcome) {
    case 'rotated':
      process.stdout.write(
        `rotated: ${result.key.kid} is published now and signs from ${iso(result.key.activatesAt)}\n`,
      );
      return;
    case 'already_pending':
      fail(`refused: ${result.key.kid} is already pending until ${iso(result.key.activatesAt)}`);
      return;
    case 'lost_race':
      fail('refused: another process changed the keyset at the same time; run it again');
  }
}

async function list() {
  if (kidArgument) usage();
  const { keyset } = await loadKeyset(store, now());
  const rows = keyStatuses(keyset, now(), policy).map((s) => [
    s.key.kid,
    s.state,
    iso(s.key.createdAt),
    s.key.activatesAt === 0 ? 'always' : iso(s.key.activatesAt),
    iso(s.retiresAt),
  ]);
  const table = [['kid', 'state', 'created', 'activates', 'retires'], ...rows];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) {
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

async function retire(kid) {
  if (kid) {
    const { keyset } = await loadKeyset(store, now());
    const status = keyStatuses(keyset, now(), policy).find((s) => s.key.kid === kid);
    if (!status) fail(`refused: no key ${kid}`);
    if (status.state !== 'retired') {
      fail(
        `refused: ${kid} is ${status.state}; tokens it signed may be valid until ` +
          `${iso(status.retiresAt)}`,
      );
    }
  }
  const retired = await retireKeys(store, now(), policy);
  if (retired === undefined) fail('refused: another process changed the keyset; run it again');
  if (retired.length === 0) process.stdout.write('nothing to retire\n');
  for (const key of retired) process.stdout.write(`retired: ${key.kid}\n`);
}

function usage() {
  process.stderr.write('usage: npm run keys -- rotate | list | retire [kid]\n');
  process.exit(2);
}

function fail(message) {
  process.stderr.write(`keys: ${message}\n`);
  process.exit(1);
}
