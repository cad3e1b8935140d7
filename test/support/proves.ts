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
 * Declares, as the first statement of an `it('title', ...)` body, which rows of
 * docs/conformance/requirements.json the test proves. docs/conformance.md
 * (`npm run conformance:matrix`) is generated from these declarations, so the ids must be string
 * literals and the enclosing test's title a plain string literal. An unknown id, or a call
 * outside a test, fails the test.
 */
export function proves(...ids: readonly string[]): void {
  const test = expect.getState().currentTestName;
  if (!test) throw new Error('proves(...) belongs inside a test body');
  const unknown = ids.filter((id) => !knownIds().has(id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new Error(`"${test}" claims unknown requirement(s): ${unknown.join(', ') || '(none)'}`);
  }
}
