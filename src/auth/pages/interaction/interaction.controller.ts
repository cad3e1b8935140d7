import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type ConsentForm,
  ConsentFormPipe,
  type LoginForm,
  LoginFormPipe,
} from '../interaction-forms';
import { InteractionExceptionFilter } from '../interaction-exception.filter';
import { send } from '../interaction-reply';
import { type InteractionExchange, InteractionService } from './interaction.service';
import { SameSiteFormGuard } from './same-site-form.guard';

/** oidc-provider's interaction pages: each route hands its checked input to the service. */
@Controller('interaction/:uid')
@UseFilters(InteractionExceptionFilter)
export class InteractionController {
  constructor(private readonly interactions: InteractionService) {}

  @Get()
  async show(@Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await send(reply, await this.interactions.show(uid, exchange(req, reply)));
  }

  @Post('login')
  @UseGuards(SameSiteFormGuard)
  async login(
    @Param('uid') uid: string,
    @Body(LoginFormPipe) form: LoginForm,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await send(reply, await this.interactions.login(uid, form, exchange(req, reply)));
  }

  @Post('federation/:slug')
  @UseGuards(SameSiteFormGuard)
  async federate(
    @Param('uid') uid: string,
    @Param('slug') slug: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await send(reply, await this.interactions.federate(uid, slug, exchange(req, reply)));
  }

  @Post('confirm')
  @UseGuards(SameSiteFormGuard)
  async confirm(
    @Param('uid') uid: string,
    @Body(ConsentFormPipe) form: ConsentForm,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await send(reply, await this.interactions.confirm(uid, form, exchange(req, reply)));
  }
}

function exchange(req: FastifyRequest, reply: FastifyReply): InteractionExchange {
  return { req: req.raw, res: reply.raw, ip: req.ip };
}
