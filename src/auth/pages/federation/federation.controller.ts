import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { SHARED_CONFIG } from '../../../config/config.module';
import type { SharedConfig } from '../../../config/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { send } from '../interaction-reply';
import { FEDERATION_CALLBACK_PATH, FederationService } from './federation.service';

/**
 * Where upstream IdPs send the browser back (the redirect URI registered with each upstream).
 * A fixed path, outside /interaction/<uid>: the upstream's registration cannot name a uid.
 */
@Controller()
export class FederationController {
  constructor(
    private readonly federation: FederationService,
    @Inject(SHARED_CONFIG) private readonly shared: SharedConfig,
  ) {}

  @Get(FEDERATION_CALLBACK_PATH)
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    // On the issuer's origin: openid-client sends this URL without its query as the
    // redirect_uri of the token request, which must equal the registered one exactly.
    const at = req.url.indexOf('?');
    const search = at >= 0 ? req.url.slice(at) : '';
    const url = new URL(FEDERATION_CALLBACK_PATH + search, this.shared.issuer);
    const answer = await this.federation.callback(url, {
      req: req.raw,
      res: reply.raw,
      ip: req.ip,
    });
    await send(reply, answer);
  }
}
