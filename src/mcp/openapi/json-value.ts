import type { SchemaBudget } from './schema-budget';

/**
 * A fresh copy of a JSON value taken from a document (for `enum`, `const`, `default`), paid
 * for from the budget as it is copied. The copy is a tree: YAML aliases that share one value
 * many times are paid for each time, so they cannot grow a tool schema past the cap. Keys are
 * defined, never assigned, so a `__proto__` key stays data.
 */
export function copyJsonValue(value: unknown, budget: SchemaBudget, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      budget.spend(value.length + 2);
      return value;
    case 'number':
      budget.spend(8);
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      budget.spend(5);
      return value;
    case 'object': {
      budget.spend(2);
      if (value === null) return null;
      budget.checkDepth(depth);
      if (Array.isArray(value)) return value.map((item) => copyJsonValue(item, budget, depth + 1));
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => {
          budget.spend(key.length + 3);
          return [key, copyJsonValue(item, budget, depth + 1)];
        }),
      );
    }
    default:
      return null;
  }
}
