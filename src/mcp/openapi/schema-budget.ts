import { OpenApiDocumentError } from './openapi-document.error';
import { OperationError } from './operation.error';

/**
 * About 1 MB of JSON Schema over all of a document's tools, `$defs` counted once per tool that
 * carries them: `tools/list` sends all of it to every client, into a model's context.
 */
export const MAX_DOCUMENT_UNITS = 1_000_000;
/**
 * One tool's schemas, `$defs` included. The SDK's validator compiles each tool's schemas into
 * code on the event loop (measured: about 1 ms per kilobyte of schema, more with many `$defs`),
 * so this bounds how long one compilation holds every other request.
 */
export const MAX_TOOL_UNITS = 128_000;
/** Schemas nested deeper than this without a `$ref` are no API's data model. */
export const MAX_SCHEMA_DEPTH = 32;

/**
 * What turning schemas into tool schemas may cost, in roughly the bytes of JSON it produces.
 * Work stops as soon as the budget is spent, so a document of a few kilobytes whose shared
 * `$ref`s or YAML aliases would expand to megabytes costs the event loop no more than the cap.
 * A document's budget refuses the whole document; a tool's budget, which also spends from its
 * document's, refuses that operation.
 */
export class SchemaBudget {
  #spent = 0;

  private constructor(
    private readonly limit: number,
    private readonly exceeded: () => Error,
    private readonly parent: SchemaBudget | undefined,
  ) {}

  static forDocument(limit = MAX_DOCUMENT_UNITS): SchemaBudget {
    const error = () =>
      new OpenApiDocumentError('refused', `its tool schemas would pass the cap (${limit} bytes)`);
    return new SchemaBudget(limit, error, undefined);
  }

  forTool(limit = MAX_TOOL_UNITS): SchemaBudget {
    const error = () =>
      new OperationError(
        'too_large',
        `its schemas would pass the cap of one tool (${limit} bytes)`,
      );
    return new SchemaBudget(limit, error, this);
  }

  get spent(): number {
    return this.#spent;
  }

  spend(units: number): void {
    this.parent?.spend(units);
    this.#spent += units;
    if (this.#spent > this.limit) throw this.exceeded();
  }

  checkDepth(depth: number): void {
    if (depth > MAX_SCHEMA_DEPTH) {
      throw new OpenApiDocumentError(
        'refused',
        `a schema nests deeper than the cap (${MAX_SCHEMA_DEPTH} levels)`,
      );
    }
  }
}
