import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPES = 'auth:required-scopes';

/** Every listed scope must be in the access token (RFC 6750 §3.1 insufficient_scope otherwise). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);
