import { SetMetadata } from '@nestjs/common';
import type { Scope } from '../config/protocol';

export const REQUIRED_SCOPES = 'auth:required-scopes';

/** Every listed scope must be in the access token (RFC 6750 §3.1 insufficient_scope otherwise). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);
