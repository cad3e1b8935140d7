import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { parseUpstream, withoutSecret, type UpstreamIdp } from '../auth/federation/upstream-idp';
import { AdminError } from './admin-error';
import { print, type AdminContext } from './admin-context';
import { formatTable } from './table';
import { terminalSafe } from './terminal-text';

/** A settings file is small; anything bigger is a mistake, not an IdP list. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * `idps add|list|remove|import`: upstream OpenID providers for sign-in. Every replica reads
 * them from the store within seconds (UPSTREAM_TTL_MS). The client secret comes from a file
 * (`--client-secret-file`), never argv, and is never printed.
 */
export async function idpsCommand(
  context: AdminContext,
  action: string | undefined,
  arg: string | undefined,
): Promise<void> {
  if (action === 'list') return list(context);
  if (!arg) throw new AdminError('usage', `idps ${action ?? '<command>'} needs an argument`);
  switch (action) {
    case 'add':
      return save(context, [fromOptions(context, arg)]);
    case 'import':
      return save(context, fromFile(arg));
    case 'remove':
      if (!(await context.store.federation.removeUpstream(arg)))
        throw new AdminError('not_found', `no upstream IdP "${arg}"`);
      context.out(`removed ${terminalSafe(arg)}\n`);
      return;
    default:
      throw new AdminError('usage', `unknown idps command "${action ?? ''}"`);
  }
}

async function list(context: AdminContext): Promise<void> {
  const idps: Omit<UpstreamIdp, 'clientSecret'>[] = [];
  for (const row of await context.store.federation.listUpstreams()) {
    idps.push(withoutSecret(parseUpstream(JSON.parse(row.document))));
  }
  const rows = idps.map((i) => [
    i.slug,
    i.displayName,
    i.issuer,
    i.clientId,
    i.jit ? 'yes' : 'no',
    i.domains.join(',') || '-',
  ]);
  print(
    context,
    formatTable(['SLUG', 'NAME', 'ISSUER', 'CLIENT_ID', 'JIT', 'DOMAINS'], rows),
    idps,
  );
}

async function save(context: AdminContext, idps: UpstreamIdp[]): Promise<void> {
  for (const idp of idps) {
    await context.store.federation.putUpstream(idp.slug, JSON.stringify(idp));
    context.out(`saved ${terminalSafe(idp.slug)}\n`);
  }
}

function checked(input: unknown): UpstreamIdp {
  try {
    return parseUpstream(input);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const problems = error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new AdminError('refused', `invalid upstream IdP: ${problems.join('; ')}`);
  }
}

function readCapped(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > MAX_FILE_BYTES) throw new AdminError('refused', `${path} is too large`);
    return text;
  } catch (error) {
    if (error instanceof AdminError) throw error;
    throw new AdminError('refused', `cannot read ${path}`);
  }
}

/** A JSON object or an array of them, each as `idps add` would store it. */
function fromFile(path: string): UpstreamIdp[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readCapped(path));
  } catch (error) {
    if (error instanceof AdminError) throw error;
    throw new AdminError('refused', `${path} is not JSON`);
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).map(checked);
}

/** `--rule weatherget:groups=weather-readers,admins` */
function rule(text: string) {
  const match = /^([^:]+):([^=]+)=(.+)$/.exec(text);
  if (!match) throw new AdminError('usage', '--rule is scope:claim=value[,value]');
  return { scope: match[1]!, claim: match[2]!, anyOf: match[3]!.split(',') };
}

function fromOptions(context: AdminContext, slug: string): UpstreamIdp {
  const option = (name: string) => context.options.get(name);
  const listOf = (name: string) =>
    option(name)
      ?.split(/[\s,]+/)
      .filter(Boolean);
  const secretFile = option('--client-secret-file');
  if (!secretFile) throw new AdminError('usage', 'idps add needs --client-secret-file <path>');
  return checked({
    slug,
    displayName: option('--name') ?? slug,
    issuer: option('--issuer'),
    clientId: option('--client-id'),
    clientSecret: readCapped(secretFile).trim(),
    ...(listOf('--scopes') ? { scopes: listOf('--scopes') } : {}),
    ...(listOf('--domains') ? { domains: listOf('--domains') } : {}),
    ...(listOf('--allowed-email-domains')
      ? { allowedEmailDomains: listOf('--allowed-email-domains') }
      : {}),
    jit: option('--jit') === 'on',
    linkByEmail: option('--link-by-email') === 'on',
    scopeRules: option('--rule') ? [rule(option('--rule')!)] : [],
  });
}
