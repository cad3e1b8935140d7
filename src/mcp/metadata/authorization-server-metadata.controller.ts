import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerMetadata } from 'openid-client';
import { AuthorizationServerMetadata } from '../upstream/authorization-server-metadata';
import { orUpstreamRefusal } from '../upstream/upstream-http';

/**
 * The AuthServer's RFC 8414 metadata mirrored on the MCP origin. MCP 2025-03-26 clients
 * derive the authorization server from the MCP server's origin and look here; later revisions
 * follow the protected resource metadata instead. The document keeps the real `issuer`.
 */
@Controller('.well-known/oauth-authorization-server')
export class AuthorizationServerMetadataController {
  constructor(private readonly metadata: AuthorizationServerMetadata) {}

  @Get()
  @Header('cache-control', 'public, max-age=300')
  get(@Res({ passthrough: true }) reply: FastifyReply): Promise<ServerMetadata> {
    return orUpstreamRefusal(reply, this.metadata.forClients());
  }
}
