import { readFileSync } from 'node:fs';
import type { ZodType } from 'zod';
import { workloadIssuerSchema } from '../auth/workload/workload-issuer';
import { idJagAudienceSchema, idJagIssuerSchema } from '../auth/idjag/idjag-trust';
import type { TrustKind } from '../storage/trust-store';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';
import { formatTable, formatTime } from './table';

/** One kind of trust entry as the commands handle it: its schema, its id, its summary. */
interface TrustArea<T> {
  readonly kind: TrustKind;
  /** What one entry is called in messages. */
  readonly noun: string;
  readonly schema: ZodType<T>;
  readonly idOf: (entry: T) => string;
  readonly columns: readonly [string, string];
  readonly summary: (entry: T) => readonly [string, string];
}

/**
 * `trust workloads|idps|audiences add --file <json>|list|remove <id>`: the workload issuers
 * federated workloads may come from (SEP-1933), the identity providers whose ID-JAGs we accept
 * and the authorization servers we issue ID-JAGs for (SEP-990). The server reads them from the
 * store on every request, so a change counts on every replica at once.
 */
const AREAS = {
  workloads: area({
    kind: 'workload_issuer',
    noun: 'workload issuer',
    schema: workloadIssuerSchema,
    idOf: (i) => i.issuer,
    columns: ['KEYS', 'RULES'],
    summary: (i) => [i.jwksUri ?? 'inline JWKS', String(i.rules.length)],
  }),
  idps: area({
    kind: 'idjag_issuer',
    noun: 'ID-JAG issuer',
    schema: idJagIssuerSchema,
    idOf: (i) => i.issuer,
    columns: ['KEYS', 'USERS'],
    summary: (i) => [i.jwksUri ?? 'inline JWKS', i.jit ? 'linked or provisioned' : 'linked only'],
  }),
  audiences: area({
    kind: 'idjag_audience',
    noun: 'ID-JAG audience',
    schema: idJagAudienceSchema,
    idOf: (a) => a.audience,
    columns: ['CLIENTS', 'SCOPES'],
    summary: (a) => [`${a.clients.join(' ')} as ${a.clientId}`, a.scopes.join(' ')],
  }),
};

function area<T>(spec: TrustArea<T>): TrustArea<T> {
  return spec;
}

export async function trustCommand(
  context: AdminContext,
  name: string | undefined,
  action: string | undefined,
  id: string | undefined,
): Promise<void> {
  if (name !== 'workloads' && name !== 'idps' && name !== 'audiences') {
    throw new AdminError('usage', 'trust commands: trust workloads|idps|audiences …');
  }
  const spec: TrustArea<unknown> = AREAS[name] as TrustArea<unknown>;
  switch (action) {
    case 'add':
      return importEntries(context, name, spec);
    case 'list':
      return listEntries(context, spec);
    case 'remove':
      if (!id) throw new AdminError('usage', `trust ${name} remove needs an id`);
      if (!(await context.store.trust.remove(spec.kind, id))) {
        throw new AdminError('not_found', `no ${spec.noun} "${id}"`);
      }
      return print(context, `removed ${spec.noun} "${id}"\n`, { id, removed: true });
    default:
      throw new AdminError('usage', `unknown trust ${name} command "${action ?? ''}"`);
  }
}

/** One entry or an array of them; all are checked before any is written. */
async function importEntries(
  context: AdminContext,
  name: string,
  spec: TrustArea<unknown>,
): Promise<void> {
  const file = context.options.get('--file');
  if (!file) throw new AdminError('usage', `trust ${name} add needs --file <json>`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    throw new AdminError('usage', `${file} is not readable JSON`);
  }
  const entries = (Array.isArray(value) ? value : [value]).map((item, i) => {
    const parsed = spec.schema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AdminError('usage', `entry ${i + 1}: ${issue.path.join('.')} ${issue.message}`);
    }
    return parsed.data;
  });
  for (const entry of entries) await context.store.trust.put(spec.kind, spec.idOf(entry), entry);
  print(
    context,
    entries.map((e) => `trusted ${spec.noun} "${spec.idOf(e)}"\n`).join(''),
    entries.map((e) => ({ id: spec.idOf(e), document: e })),
  );
}

async function listEntries(context: AdminContext, spec: TrustArea<unknown>): Promise<void> {
  const entries = await context.store.trust.list(spec.kind);
  const rows = entries.map((e) => {
    const doc = spec.schema.safeParse(e.document);
    const [a, b] = doc.success ? spec.summary(doc.data) : ['unreadable', ''];
    return [e.id, a, b, formatTime(e.createdAt)];
  });
  print(
    context,
    formatTable(['ID', ...spec.columns, 'ADDED'], rows),
    entries.map((e) => ({ id: e.id, document: e.document, createdAt: e.createdAt })),
  );
}
