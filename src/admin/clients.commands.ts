import type { ClientActivity, ClientKind } from '../storage/account-store';
import { operatorClientFrom, type OperatorClient } from '../auth/provider/operator-clients';
import { endAccess } from '../auth/users/end-access';
import { AdminError } from './admin-error';
import { addMachineClient, removeMachineClient } from './machine-client.commands';
import { print, type AdminContext } from './admin-context';
import { formatTable, formatTime } from './table';
import { terminalSafe } from './terminal-text';

interface ClientView {
  readonly clientId: string;
  /** `machine`: added with `clients add` (trust store), listed with how it may get tokens. */
  readonly kind: ClientKind | 'machine';
  readonly name: string | undefined;
  /** Epoch ms of registration (registered) or first use (metadata document). */
  readonly registeredAt: number | undefined;
  readonly lastUsed: number | undefined;
  readonly redirectHosts: readonly string[];
  readonly redirectUris: readonly string[];
  /** Machine clients only: never the secret or key, only what kind of credential it holds. */
  readonly auth?: OperatorClient['auth'];
  readonly grant?: OperatorClient['grant'];
  readonly resources?: readonly string[];
  readonly scopes?: readonly string[];
}

export async function clientsCommand(
  context: AdminContext,
  action: string | undefined,
  clientId: string | undefined,
): Promise<void> {
  if (action === 'list') return listClients(context);
  if (!clientId)
    throw new AdminError('usage', `clients ${action ?? '<command>'} needs a client_id`);
  switch (action) {
    case 'show':
      return showClient(context, clientId);
    case 'add':
      return addMachineClient(context, clientId);
    case 'remove':
      return removeClient(context, clientId);
    default:
      throw new AdminError('usage', `unknown clients command "${action ?? ''}"`);
  }
}

async function listClients(context: AdminContext): Promise<void> {
  const clients = await allClients(context);
  const rows = clients.map((c) => [
    c.clientId,
    c.kind,
    c.name ?? '-',
    formatTime(c.registeredAt),
    formatTime(c.lastUsed),
    c.redirectHosts.join(',') || '-',
  ]);
  const machines = clients.filter((c) => c.kind === 'machine');
  const machineTable = machines.length
    ? '\n' +
      formatTable(
        ['MACHINE CLIENT', 'AUTH', 'GRANT', 'RESOURCES', 'SCOPES'],
        machines.map((c) => [
          c.clientId,
          c.auth ?? '-',
          c.grant ?? '-',
          (c.resources ?? []).join(','),
          (c.scopes ?? []).join(' '),
        ]),
      )
    : '';
  print(
    context,
    formatTable(['CLIENT_ID', 'KIND', 'NAME', 'REGISTERED', 'LAST USED', 'REDIRECT HOSTS'], rows) +
      machineTable,
    clients,
  );
}

async function showClient(context: AdminContext, clientId: string): Promise<void> {
  const client = (await allClients(context)).find((c) => c.clientId === clientId);
  if (!client) throw new AdminError('not_found', `no registered or used client "${clientId}"`);
  const grants = (await context.store.accounts.grantsOf({ clientId })).length;
  const lines = [
    ['client_id', client.clientId],
    ['kind', client.kind],
    ['name', client.name ?? '-'],
    ['registered', formatTime(client.registeredAt)],
    ['last used', formatTime(client.lastUsed)],
    ['live grants', String(grants)],
    ...client.redirectUris.map((uri) => ['redirect uri', uri]),
  ];
  print(
    context,
    lines.map(([label, value]) => `${label!.padEnd(12)}  ${terminalSafe(value!)}`).join('\n') +
      '\n',
    { ...client, grants },
  );
}

async function removeClient(context: AdminContext, clientId: string): Promise<void> {
  if (context.seedClientIds.includes(clientId)) {
    throw new AdminError('refused', `"${clientId}" is configured in code and cannot be removed`);
  }
  // An added machine client goes first: from now on no replica authenticates it.
  const machine = await removeMachineClient(context, clientId);
  const ended = await endAccess(context.store, { clientId }, context.tokenLifetimes);
  const removed = (await context.store.accounts.removeClient(clientId)) || machine;
  if (!removed && ended.grants === 0) {
    throw new AdminError('not_found', `no registered or used client "${clientId}"`);
  }
  // A metadata-document client is its URL: it can be used again; its grants are gone.
  const note = clientId.startsWith('https://')
    ? ' (a metadata-document client can sign in again: its URL is its registration)'
    : '';
  print(context, `removed client "${clientId}": ${ended.grants} grant(s) revoked${note}\n`, {
    clientId,
    removed: true,
    grants: ended.grants,
  });
}

/** Registered clients (their registration) merged with recorded use (every non-seed client). */
async function allClients(context: AdminContext): Promise<ClientView[]> {
  const [registered, activity, added] = await Promise.all([
    context.store.accounts.registeredClients(),
    context.store.accounts.clientActivity(),
    context.store.trust.list('machine_client'),
  ]);
  const used = new Map(activity.map((a) => [a.clientId, a]));
  const views = [
    ...added.flatMap((entry) => {
      const client = operatorClientFrom(entry.document);
      return client ? [machineView(client, entry.createdAt, used)] : [];
    }),
    ...registered.map((payload) => registeredView(payload, used)),
  ];
  const known = new Set(views.map((v) => v.clientId));
  for (const a of activity) if (!known.has(a.clientId)) views.push(activityView(a));
  return views.sort((a, b) => a.clientId.localeCompare(b.clientId));
}

function registeredView(
  payload: Record<string, unknown>,
  used: ReadonlyMap<string, ClientActivity>,
): ClientView {
  const clientId = String(payload.client_id);
  const redirectUris = Array.isArray(payload.redirect_uris)
    ? payload.redirect_uris.filter((uri): uri is string => typeof uri === 'string')
    : [];
  const issuedAt = payload.client_id_issued_at;
  return {
    clientId,
    kind: 'registered',
    name: typeof payload.client_name === 'string' ? payload.client_name : undefined,
    registeredAt: typeof issuedAt === 'number' ? issuedAt * 1000 : undefined,
    lastUsed: used.get(clientId)?.lastUsed,
    redirectHosts: hostsOf(redirectUris),
    redirectUris,
  };
}

/** Built field by field: the stored document holds the secret of a secret client. */
function machineView(
  client: OperatorClient,
  addedAt: number,
  used: ReadonlyMap<string, ClientActivity>,
): ClientView {
  return {
    clientId: client.clientId,
    kind: 'machine',
    name: client.name,
    registeredAt: addedAt,
    lastUsed: used.get(client.clientId)?.lastUsed,
    redirectHosts: [],
    redirectUris: [],
    auth: client.auth,
    grant: client.grant,
    resources: client.resources,
    scopes: client.scopes,
  };
}

function activityView(activity: ClientActivity): ClientView {
  return {
    clientId: activity.clientId,
    kind: activity.kind,
    name: activity.clientName,
    registeredAt: activity.firstSeen,
    lastUsed: activity.lastUsed,
    redirectHosts: hostsOf(activity.redirectUris),
    redirectUris: activity.redirectUris,
  };
}

function hostsOf(uris: readonly string[]): string[] {
  const hosts = uris.map((uri) => URL.parse(uri)?.host).filter((h): h is string => !!h);
  return [...new Set(hosts)];
}
