/** Nest injection tokens for the config sections; each role module provides only its own. */
export const SHARED_CONFIG = Symbol('SHARED_CONFIG');
export const MCP_CONFIG = Symbol('MCP_CONFIG');
