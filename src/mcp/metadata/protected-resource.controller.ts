import { Controller, Get, Inject } from '@nestjs/common';
import { SHARED_CONFIG } from '../../config/config.module';
import type { SharedConfig } from '../../config/config';
import {
  protectedResourceMetadata,
  ProtectedResourceMetadata,
} from '../../bearer/protected-resource-metadata';
import { mcpScopes } from '../transport/mcp-auth';

/**
 * RFC 9728 metadata for the MCP endpoint. §3.1 puts it at the path-inserted URL
 * (`/.well-known/oauth-protected-resource/mcp` for `…/mcp`); clients that only try the root
 * URL get the same document there. `offline_access` is not listed: it is the client's business
 * with the authorization server, not a scope of this resource.
 */
@Controller('.well-known/oauth-protected-resource')
export class McpProtectedResourceController {
  constructor(@Inject(SHARED_CONFIG) private readonly config: SharedConfig) {}

  @Get()
  root(): ProtectedResourceMetadata {
    return this.metadata();
  }

  @Get('mcp')
  forMcpEndpoint(): ProtectedResourceMetadata {
    return this.metadata();
  }

  private metadata(): ProtectedResourceMetadata {
    return protectedResourceMetadata({
      resource: this.config.mcpResource,
      issuer: this.config.issuer,
      scopes: mcpScopes(this.config),
      name: 'Weather MCP server',
    });
  }
}
