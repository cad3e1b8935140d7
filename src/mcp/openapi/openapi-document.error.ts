/**
 * Why an API's OpenAPI document gave no tools; callers switch on `code`.
 * - `unavailable`: it could not be read now (network, HTTP 5xx, missing file): ask again soon.
 * - `refused`: it was read and will not be used as it stands (too large, a redirect, not
 *   OpenAPI 3, schemas over the cap): asking again every few hundred milliseconds would only
 *   repeat the work, so it is asked again much later.
 */
export type OpenApiDocumentFailure = 'unavailable' | 'refused';

export class OpenApiDocumentError extends Error {
  override readonly name = 'OpenApiDocumentError';
  constructor(
    readonly code: OpenApiDocumentFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
