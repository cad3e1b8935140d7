/** RFC 9728 §2 protected resource metadata. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly bearer_methods_supported: readonly ['header'];
  readonly resource_name: string;
  readonly resource_documentation?: string;
}

export function protectedResourceMetadata(input: {
  resource: string;
  issuer: string;
  scopes: readonly string[];
  name: string;
  documentation?: string;
}): ProtectedResourceMetadata {
  return {
    resource: input.resource,
    // Byte-identical to the AS metadata `issuer` (RFC 8414 §3.3); strict clients compare.
    authorization_servers: [input.issuer],
    scopes_supported: input.scopes,
    bearer_methods_supported: ['header'],
    resource_name: input.name,
    ...(input.documentation ? { resource_documentation: input.documentation } : {}),
  };
}
