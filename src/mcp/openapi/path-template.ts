import { type ArgumentRefusal, CallArgumentError } from './call-argument.error';
import { OperationError } from './operation.error';

export type PathPart = { readonly literal: string } | { readonly name: string };

/** A document path, split into literal text and `{name}` expressions. */
export interface PathTemplate {
  readonly text: string;
  readonly parts: readonly PathPart[];
  readonly names: ReadonlySet<string>;
}

const MAX_TEMPLATE = 2048;
/** A value longer than this is no identifier, and the API's server would refuse the URL. */
const MAX_PATH_VALUE = 1024;
/** RFC 3986 §3.3 path characters (pchar and `/`), or a percent-encoded octet. */
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/**
 * Reads an OpenAPI path template (§4.8.8: it MUST begin with `/` and is appended to the
 * server URL). A path that does not start with `/` would be glued onto the base URL's last
 * segment, and literal `.`/`..` segments would be removed by the URL parser: both are refused,
 * as is anything that is not plain RFC 3986 path text.
 */
export function parsePathTemplate(text: string): PathTemplate {
  const refuse = (why: string) =>
    new OperationError('bad_path', `path "${text.slice(0, 120)}" ${why}`);
  if (!text.startsWith('/')) throw refuse('does not start with /');
  if (text.length > MAX_TEMPLATE) throw refuse('is too long');
  const parts: PathPart[] = [];
  const names = new Set<string>();
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{', at);
    const end = open === -1 ? text.length : open;
    if (end > at) parts.push({ literal: text.slice(at, end) });
    if (open === -1) break;
    const close = text.indexOf('}', open);
    const name = close === -1 ? '' : text.slice(open + 1, close);
    if (!name || /[{/]/.test(name)) throw refuse('has a malformed {expression}');
    if (names.has(name)) throw refuse(`names {${name}} twice`);
    names.add(name);
    parts.push({ name });
    at = close + 1;
  }
  for (const part of parts) {
    if ('literal' in part && !LITERAL.test(part.literal)) throw refuse('is not RFC 3986 path text');
  }
  const skeleton = parts.map((p) => ('literal' in p ? p.literal : '{}')).join('');
  if (skeleton.split('/').some(isDotSegment)) throw refuse('has a . or .. segment');
  return { text, parts, names };
}

/**
 * Fills the template with path parameter values, each percent-encoded as one RFC 3986 path
 * segment (RFC 6570 simple expansion). A value that is, or decodes to, `.` or `..` is refused,
 * and so is any filled segment that reads as one: the URL parser would remove it (RFC 3986
 * §5.2.4) and the request would leave the operation's path.
 */
export function fillPathTemplate(
  template: PathTemplate,
  values: ReadonlyMap<string, string>,
): string {
  let path = '';
  for (const part of template.parts) {
    if ('literal' in part) {
      path += part.literal;
      continue;
    }
    const value = values.get(part.name);
    const refuse = (code: ArgumentRefusal, why: string) =>
      new CallArgumentError(code, `path parameter "${part.name}" ${why}`);
    if (value === undefined) throw refuse('missing', 'is required');
    if (value === '') throw refuse('empty', 'may not be empty');
    if (value.length > MAX_PATH_VALUE) throw refuse('too_long', `is longer than ${MAX_PATH_VALUE}`);
    if (isDotSegment(decodedFully(value))) throw refuse('dot_segment', 'may not be "." or ".."');
    try {
      path += encodeURIComponent(value);
    } catch {
      throw refuse('bad_characters', 'is not valid Unicode text');
    }
  }
  if (path.split('/').some(isDotSegment)) {
    throw new CallArgumentError(
      'dot_segment',
      `the path parameters of ${template.text} make a . or .. segment`,
    );
  }
  return path;
}

/** `.`, `..`, and the forms WHATWG URL parsing also treats as such (`%2e`, `.%2E`, ...). */
function isDotSegment(segment: string): boolean {
  const plain = segment.toLowerCase().replaceAll('%2e', '.');
  return plain === '.' || plain === '..';
}

/** Percent-decoding until nothing changes (a few rounds at most): `%252e` is a dot too. */
function decodedFully(value: string): string {
  let current = value;
  for (let round = 0; round < 4 && current.includes('%'); round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) break;
    current = next;
  }
  return current;
}
