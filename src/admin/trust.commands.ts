import { readFileSync } from 'node:fs';
import { workloadIssuerSchema, type WorkloadIssuer } from '../auth/workload/workload-issuer';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';
import { formatTable, formatTime } from './table';

/**
 * `trust workloads add --file <json>|list|remove <issuer>`: the workload issuers federated
 * workloads may come from and their claim rules (SEP-1933). The server reads them from the
 * store on every request, so a change counts on every replica at once.
 */
export async function trustCommand(
  context: AdminContext,
  area: string | undefined,
  action: string | undefined,
  issuer: string | undefined,
): Promise<void> {
  if (area !== 'workloads') throw new AdminError('usage', 'trust commands: trust workloads …');
  switch (action) {
    case 'add':
      return importIssuers(context);
    case 'list':
      return listIssuers(context);
    case 'remove':
      if (!issuer) throw new AdminError('usage', 'trust workloads remove needs an issuer');
      if (!(await context.store.trust.remove('workload_issuer', issuer))) {
        throw new AdminError('not_found', `no workload issuer "${issuer}"`);
      }
      return print(context, `removed workload issuer "${issuer}"\n`, { issuer, removed: true });
    default:
      throw new AdminError('usage', `unknown trust workloads command "${action ?? ''}"`);
  }
}

/** One issuer or an array of them; all are checked before any is written. */
async function importIssuers(context: AdminContext): Promise<void> {
  const file = context.options.get('--file');
  if (!file) throw new AdminError('usage', 'trust workloads add needs --file <json>');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    throw new AdminError('usage', `${file} is not readable JSON`);
  }
  const issuers: WorkloadIssuer[] = (Array.isArray(value) ? value : [value]).map((item, i) => {
    const parsed = workloadIssuerSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AdminError('usage', `issuer ${i + 1}: ${issue.path.join('.')} ${issue.message}`);
    }
    return parsed.data;
  });
  for (const issuer of issuers) {
    await context.store.trust.put('workload_issuer', issuer.issuer, issuer);
  }
  print(
    context,
    issuers
      .map((i) => `trusted workload issuer "${i.issuer}" (${i.rules.length} rule(s))\n`)
      .join(''),
    issuers.map((i) => ({ issuer: i.issuer, rules: i.rules.length })),
  );
}

async function listIssuers(context: AdminContext): Promise<void> {
  const entries = await context.store.trust.list('workload_issuer');
  const rows = entries.map((e) => {
    const doc = workloadIssuerSchema.safeParse(e.document);
    const keys = doc.success ? (doc.data.jwksUri ?? 'inline JWKS') : 'unreadable';
    return [e.id, keys, String(doc.success ? doc.data.rules.length : 0), formatTime(e.createdAt)];
  });
  print(
    context,
    formatTable(['ISSUER', 'KEYS', 'RULES', 'ADDED'], rows),
    entries.map((e) => ({ issuer: e.id, document: e.document, createdAt: e.createdAt })),
  );
}
