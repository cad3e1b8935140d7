import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InteractionExceptionFilter } from '../interaction-exception.filter';
import { send } from '../interaction-reply';
import { type AccountExchange, AccountService } from './account.service';

/** `/account`: the signed-in user's connected apps; plain pages and forms, no script. */
@Controller('account')
@UseFilters(InteractionExceptionFilter)
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Get()
  async show(
    @Query('revoked') revoked: unknown,
    @Query('before') before: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await send(reply, await this.account.show(exchange(req, reply), revoked === '1', before));
  }

  @Get('signed-in')
  async signedIn(@Query('error') error: unknown, @Res() reply: FastifyReply) {
    await send(reply, this.account.signedIn(error));
  }

  @Post('revoke')
  async revoke(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await send(reply, await this.account.revoke(exchange(req, reply), body));
  }
}

function exchange(req: FastifyRequest, reply: FastifyReply): AccountExchange {
  return { req: req.raw, res: reply.raw, origin: req.headers.origin };
}
