import { Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { McpController, PublicTool, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import { SHARED_CONFIG } from '../../config/config.module';
import type { SharedConfig } from '../../config/config';
import { Principal } from '../../bearer/principal';
import { Caller } from '../transport/caller.decorator';
import { identityOf, identitySchema } from './identity';
import { serverInfo, serverInfoSchema } from './server-info';
import { toolResult } from './tool-result';

const noInput = z.object({}).strict();
const readOnlyLocal = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Tools about the connection itself: who is calling, and what this server offers. */
@McpController()
export class SessionTools {
  constructor(@Inject(SHARED_CONFIG) private readonly config: SharedConfig) {}

  @Tool({
    name: 'who-am-i',
    description:
      'Tell who the signed-in user is: their subject identifier, the client application they ' +
      'authorized, and the scopes (permissions) granted to it. Useful to explain why a tool is missing.',
    parameters: noInput,
    outputSchema: identitySchema,
    annotations: { title: 'Who am I', ...readOnlyLocal },
  })
  whoAmI(@Payload() _input: unknown, @Caller() caller: Principal): CallToolResult {
    const identity = identityOf(caller);
    const scopes = identity.scopes.length ? identity.scopes.join(', ') : 'none';
    return toolResult(
      `You are user ${identity.subject}, connected through client "${identity.clientId}" with scopes: ${scopes}.`,
      identity,
    );
  }

  @Tool({
    name: 'get-server-info',
    description:
      'Describe this MCP server: its resource identifier, the authorization server that grants ' +
      'access, and the scopes that unlock more tools. Needs no permission.',
    parameters: noInput,
    outputSchema: serverInfoSchema,
    annotations: { title: 'Server information', ...readOnlyLocal },
  })
  @PublicTool()
  getServerInfo(): CallToolResult {
    const info = serverInfo(this.config);
    return toolResult(
      `${info.message} Sign in at ${info.authorizationServer}; scopes that unlock more tools: ${info.scopesSupported.join(', ')}.`,
      info,
    );
  }
}
