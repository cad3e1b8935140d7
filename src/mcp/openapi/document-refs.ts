import { resolvePointer } from './json-pointer';
import { OperationError } from './operation.error';

/** `$ref` → `$ref` → … : more hops than this is a loop, not a design. */
const MAX_HOPS = 8;

/**
 * A Path Item, Parameter, Request Body or Response Object, following its `$ref`s inside the
 * document only; undefined when it is not an object. Schemas are not read here: they stay
 * references (./schema-defs.ts).
 */
export function objectAt(document: unknown, value: unknown): Record<string, unknown> | undefined {
  let current = value;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const ref = (current as Record<string, unknown>).$ref;
    if (typeof ref !== 'string') return current as Record<string, unknown>;
    if (!ref.startsWith('#')) {
      throw new OperationError(
        'external_ref',
        `$ref "${ref.slice(0, 120)}" points outside the document`,
      );
    }
    const target = resolvePointer(document, ref);
    if (!target)
      throw new OperationError('missing_ref', `$ref "${ref.slice(0, 120)}" points to nothing`);
    current = target.value;
  }
  throw new OperationError('ref_cycle', `more than ${MAX_HOPS} $refs in a row`);
}
