import { Body, Controller, Get, Header, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type InteractionForm, InteractionService } from './interaction.service';
import { STYLESHEET } from './views';

@Controller()
export class InteractionController {
  constructor(private readonly interactions: InteractionService) {}

  @Get('interaction/:uid')
  show(@Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.interactions.show(uid, req, reply);
  }

  @Post('interaction/:uid/login')
  login(
    @Param('uid') uid: string,
    @Body() form: InteractionForm,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.interactions.login(uid, form ?? {}, req, reply);
  }

  @Post('interaction/:uid/confirm')
  confirm(
    @Param('uid') uid: string,
    @Body() form: InteractionForm,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.interactions.confirm(uid, form ?? {}, req, reply);
  }

  @Get('assets/auth.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  stylesheet(): string {
    return STYLESHEET;
  }
}
