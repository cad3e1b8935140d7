import { Controller, Type, UseGuards } from '@nestjs/common';
import { McpHttpControllerFor, McpStrategy, StreamableHttpTransport } from '@rekog/mcp-nest';
import type { SharedConfig } from '../../config/config';
import { BearerGuard } from '../../bearer/bearer.guard';
import { OpenApiToolsReadyGuard } from '../openapi/openapi-tools-ready.guard';
import { withUrlElicitation } from '../openapi/url-elicitation';
import { McpOriginGuard } from './origin.guard';

export interface McpEndpoint {
  readonly strategy: McpStrategy;
  readonly controller: Type;
}

export const MCP_SERVER_NAME = 'api-mcp-auth-weather';
export const MCP_SERVER_VERSION = '1.0.0';

/**
 * One MCP server per application: the strategy (the tools' microservice), its stateless
 * Streamable HTTP transport, and the controller that owns `/mcp` so Nest guards run first:
 * Origin check, bearer authentication, then a last try at
 * registering the tools of APIs that were not up yet. Built per app, not per module import, because
 * several role applications can live in one process.
 */
export function createMcpEndpoint(config: SharedConfig): McpEndpoint {
  const transport = new StreamableHttpTransport({
    statefulMode: false,
    // Both eras on one endpoint: 2026-07-28 requests and 2025-era initialize handshakes.
    protocol: 'dual',
    // A tools/call without the tool's scopes becomes 403 insufficient_scope with a complete
    // challenge (MCP authorization spec, "Scope Challenge Handling").
    stepUpAuthorization: { resourceMetadataUrl: resourceMetadataUrl(config) },
  });
  const strategy = new McpStrategy({
    name: MCP_SERVER_NAME,
    title: 'Weather MCP server',
    version: MCP_SERVER_VERSION,
    instructions:
      'Tools of the APIs behind this server, each called with a token minted for that API alone ' +
      '(get-weather-forecast gives the next five days); who-am-i explains which permissions the ' +
      'user granted.',
    transports: [transport],
    // Tool calls that need the user to connect an account answer with a URL-mode elicitation.
    serverMutator: withUrlElicitation,
  });

  @Controller('mcp')
  @UseGuards(McpOriginGuard, BearerGuard, OpenApiToolsReadyGuard)
  class McpEndpointController extends McpHttpControllerFor(transport) {}

  return { strategy, controller: McpEndpointController };
}

/** RFC 9728 §3.1: the metadata URL of resource `…/mcp` inserts the well-known path before `/mcp`. */
export function resourceMetadataUrl(config: SharedConfig): string {
  return `${config.mcpBaseUrl}/.well-known/oauth-protected-resource/mcp`;
}
