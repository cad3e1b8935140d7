import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Requirement {
  readonly id: string;
}

const REQUIREMENTS = join(__dirname, '../../docs/conformance/requirements.json');
let known: ReadonlySet<string> | undefined;

function knownIds(): ReadonlySet<string> {
  known ??= new Set(
    (JSON.parse(readFileSync(REQUIREMENTS, 'utf8')) as Requirement[]).map((r) => r.id),
  );
  return known;
}

/**
 * `it`, declaring which rows of docs/conformance/requirements.json the test proves. The matrix
 * (docs/conformance.md, `npm run conformance:matrix`) is generated from these declarations, so
 * the first two arguments must be string literals (an id or an array of ids, then the title).
 * An unknown id fails the suite at collection time.
 */
export function proves(
  ids: string | readonly string[],
  title: string,
  fn: () => Promise<unknown> | void,
  timeout?: number,
): void {
  const list = typeof ids === 'string' ? [ids] : ids;
  const unknown = list.filter((id) => !knownIds().has(id));
  if (unknown.length > 0) {
    throw new Error(`"${title}" claims unknown requirement(s): ${unknown.join(', ')}`);
  }
  it(title, fn, timeout);
}
