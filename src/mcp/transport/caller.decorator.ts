import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { McpContext } from '@rekog/mcp-nest';
import { Principal } from '../../bearer/principal';

type WithCaller = { user?: Principal };

/**
 * The authenticated caller, for MCP tools (read from the raw Node request the transport hands
 * the tool, where the bearer guard put it) and for HTTP handlers alike.
 */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request =
      context.getType() === 'rpc'
        ? context.switchToRpc().getContext<McpContext>().getRawRequest<WithCaller>()
        : context.switchToHttp().getRequest<WithCaller>();
    // Every route to a handler passes the bearer guard; reaching here without a caller is a wiring bug.
    if (!request?.user) throw new Error('handler reached without an authenticated caller');
    return request.user;
  },
);
