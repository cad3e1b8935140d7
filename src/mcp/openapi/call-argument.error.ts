/**
 * Why a tool call's arguments cannot become a request to the API; answered as an `isError`
 * result the model can act on, before anything is sent. Callers switch on `code`.
 */
export type ArgumentRefusal =
  'missing' | 'empty' | 'too_long' | 'bad_characters' | 'dot_segment' | 'escapes_template';

export class CallArgumentError extends Error {
  override readonly name = 'CallArgumentError';
  constructor(
    readonly code: ArgumentRefusal,
    message: string,
  ) {
    super(message);
  }
}
