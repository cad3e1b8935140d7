import { resolvePointer } from './json-pointer';
import { JsonSchema, SchemaScope, toJsonSchema } from './json-schema';
import { OperationError } from './operation.error';
import type { SchemaBudget } from './schema-budget';

/** A converted schema and the `$defs` entries it names directly. */
export interface ConvertedSchema {
  readonly schema: JsonSchema;
  readonly refs: ReadonlySet<string>;
}

const DEFS = '#/$defs/';

interface Def {
  readonly source: unknown;
  schema: JsonSchema;
  readonly refs: Set<string>;
  size: number;
  failure: OperationError | undefined;
}

/**
 * The shared schemas of one document as JSON Schema 2020-12 `$defs`: each `$ref` target is
 * converted once, however many operations use it, and each tool schema carries only the
 * entries it reaches, referenced by `$ref` instead of copied into a tree (a document whose
 * schemas share `$ref`s level after level would otherwise double with each level). Targets are
 * converted from a queue, not by recursion, so a long chain of `$ref`s cannot exhaust the stack.
 */
export class SchemaDefs {
  private readonly names = new Map<string, string>();
  private readonly defs = new Map<string, Def>();
  private readonly pending: string[] = [];

  /** `budget` pays for converting the shared schemas, once each. */
  constructor(
    private readonly document: unknown,
    private readonly budget: SchemaBudget,
  ) {}

  /** Converts a schema of one tool, paid for from that tool's budget. */
  convert(schema: unknown, budget: SchemaBudget): ConvertedSchema {
    const refs = new Set<string>();
    const converted = toJsonSchema(schema, this.scope(refs, budget));
    this.drain();
    return { schema: converted, refs };
  }

  /**
   * The `$defs` that the given schemas of one tool reach, as a copy of its own (the validator
   * compiles every tool's schema apart), paid for from the tool's budget: every tool sends its
   * own copy in `tools/list`. Throws the OperationError of a target that could not be
   * converted, or of a `$ref` cycle that never reaches data.
   */
  defsFor(schemas: readonly ConvertedSchema[], budget: SchemaBudget): Record<string, JsonSchema> {
    const reached = new Map<string, Def>();
    const queue = schemas.flatMap((s) => [...s.refs]);
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      if (reached.has(name)) continue;
      const def = this.defs.get(name)!;
      if (def.failure) throw def.failure;
      budget.spend(def.size + name.length + 4);
      reached.set(name, def);
      queue.push(...def.refs);
    }
    refuseSameInstanceCycles(reached);
    const sorted = [...reached.keys()].sort();
    return structuredClone(
      Object.fromEntries(
        sorted.map((name): [string, JsonSchema] => [name, reached.get(name)!.schema]),
      ),
    );
  }

  /** Whether the schema, following top-level `$ref`s, says it describes an object. */
  isObject(converted: ConvertedSchema): boolean {
    let schema = converted.schema;
    for (let hop = 0; hop < 8; hop++) {
      if (schema.type !== undefined) return schema.type === 'object';
      const ref = schema.$ref;
      const def = typeof ref === 'string' ? this.defs.get(ref.slice(DEFS.length)) : undefined;
      if (!def || def.failure) return false;
      schema = def.schema;
    }
    return false;
  }

  private scope(refs: Set<string>, budget: SchemaBudget): SchemaScope {
    return {
      budget,
      ref: (documentRef) => {
        const name = this.define(documentRef);
        refs.add(name);
        return `${DEFS}${name}`;
      },
    };
  }

  private define(ref: string): string {
    const known = this.names.get(ref);
    if (known !== undefined) return known;
    if (!ref.startsWith('#')) {
      throw new OperationError('external_ref', `$ref "${clip(ref)}" points outside the document`);
    }
    const target = resolvePointer(this.document, ref);
    if (!target) {
      throw new OperationError('missing_ref', `$ref "${clip(ref)}" points to nothing`);
    }
    const name = this.freeName(ref);
    this.names.set(ref, name);
    this.defs.set(name, {
      source: target.value,
      schema: {},
      refs: new Set(),
      size: 0,
      failure: undefined,
    });
    this.pending.push(name);
    return name;
  }

  private drain(): void {
    for (let name = this.pending.pop(); name !== undefined; name = this.pending.pop()) {
      const def = this.defs.get(name)!;
      const before = this.budget.spent;
      try {
        def.schema = toJsonSchema(def.source, this.scope(def.refs, this.budget));
      } catch (error) {
        if (!(error instanceof OperationError)) throw error;
        def.failure = error;
      }
      def.size = this.budget.spent - before;
    }
  }

  /** The pointer's last token, readable and safe inside `#/$defs/<name>`; unique. */
  private freeName(ref: string): string {
    const token = ref
      .slice(ref.lastIndexOf('/') + 1)
      .replaceAll('~1', '_')
      .replaceAll('~0', '_');
    const base = token.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'schema';
    let name = base;
    for (let n = 2; this.defs.has(name); n++) name = `${base}-${n}`;
    return name;
  }
}

/**
 * `A: {allOf: [{$ref: B}]}, B: {$ref: A}` validates the same value against A forever: a cycle
 * of references that never descends into a property or an item overflows the validator's
 * stack on the first call. Cycles through `properties` or `items` are ordinary recursive data.
 */
function refuseSameInstanceCycles(defs: ReadonlyMap<string, Def>): void {
  // Depth-first, with its own stack: a chain of thousands of `$ref`s is not a call stack.
  const state = new Map<string, 'open' | 'done'>();
  for (const root of defs.keys()) {
    if (state.has(root)) continue;
    state.set(root, 'open');
    const stack: [string, string[]][] = [[root, sameInstanceRefs(defs.get(root)!.schema)]];
    for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
      const next = top[1].pop();
      if (next === undefined) {
        state.set(top[0], 'done');
        stack.pop();
      } else if (state.get(next) === 'open') {
        throw new OperationError(
          'ref_cycle',
          `$defs entry "${next}" refers to itself without data`,
        );
      } else if (!state.has(next) && defs.has(next)) {
        state.set(next, 'open');
        stack.push([next, sameInstanceRefs(defs.get(next)!.schema)]);
      }
    }
  }
}

function sameInstanceRefs(schema: JsonSchema): string[] {
  const found: string[] = [];
  const ref = schema.$ref;
  if (typeof ref === 'string') found.push(ref.slice(DEFS.length));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) found.push(...sameInstanceRefs(s as JsonSchema));
  }
  if (typeof schema.not === 'object' && schema.not !== null) {
    found.push(...sameInstanceRefs(schema.not as JsonSchema));
  }
  return found;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
