/**
 * Why one operation of an OpenAPI document is not offered as a tool; the rest of the document
 * still is. Callers switch on `code`.
 */
export type OperationRefusal =
  | 'bad_operation_id'
  | 'duplicate_name'
  | 'no_oauth_requirement'
  | 'no_scope'
  | 'undeclared_scope'
  | 'bad_path'
  | 'bad_parameter'
  | 'external_ref'
  | 'missing_ref'
  | 'ref_cycle'
  | 'too_large';

export class OperationError extends Error {
  override readonly name = 'OperationError';
  constructor(
    readonly code: OperationRefusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
