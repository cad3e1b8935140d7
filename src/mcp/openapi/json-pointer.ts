/** A document may nest deeper, but no `$ref` an API description needs is this long. */
const MAX_TOKENS = 32;

/**
 * The value a same-document reference (`#/components/schemas/Pet`) points to, or undefined.
 * RFC 6901 §6: the fragment is percent-decoded, then split on `/` with `~1` and `~0` undone.
 * Only own properties count, so `#/__proto__` or `#/constructor` reach nothing, and a pointer
 * to the whole document (`#`) is not a schema.
 */
export function resolvePointer(document: unknown, ref: string): { value: unknown } | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  const tokens = pointer.slice(1).split('/');
  if (tokens.length > MAX_TOKENS) return undefined;
  let value = document;
  for (const raw of tokens) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d{0,8})$/.test(token) || Number(token) >= value.length) return undefined;
      value = value[Number(token)] as unknown;
    } else if (typeof value === 'object' && value !== null && Object.hasOwn(value, token)) {
      value = (value as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return { value };
}
