export type AdminErrorCode =
  'usage' | 'not_found' | 'exists' | 'weak_password' | 'password_input' | 'refused';

/** A refusal the CLI prints as one line and exits non-zero on. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** 2 for a command line that is wrong, 1 for a command that was refused. */
export function exitCodeOf(error: AdminError): number {
  switch (error.code) {
    case 'usage':
      return 2;
    case 'not_found':
    case 'exists':
    case 'weak_password':
    case 'password_input':
    case 'refused':
      return 1;
  }
}
