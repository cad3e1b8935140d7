import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InteractionExceptionFilter } from '../interaction-exception.filter';
import { send } from '../interaction-reply';
import type { AccountExchange } from '../account/account.service';
import { ConnectionsService } from './connections.service';

/** Connecting and disconnecting the signed-in user's accounts at third-party services. */
@Controller('account')
@UseFilters(InteractionExceptionFilter)
export class ConnectionsController {
  constructor(@Inject(ConnectionsService) private readonly connections: ConnectionsService) {}

  @Get('connect/:provider')
  async start(
    @Param('provider') provider: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await send(reply, await this.connections.start(exchange(req, reply), provider));
  }

  @Get('connect-callback')
  async finish(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await send(reply, await this.connections.finish(exchange(req, reply), req.url));
  }

  @Post('disconnect')
  async disconnect(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await send(reply, await this.connections.disconnect(exchange(req, reply), body));
  }
}

function exchange(req: FastifyRequest, reply: FastifyReply): AccountExchange {
  return { req: req.raw, res: reply.raw, origin: req.headers.origin };
}
