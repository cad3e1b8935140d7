import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { challengeFor } from './bearer.challenge';
import { BearerError } from './bearer.error';
import { RESOURCE_SERVER, TOKEN_VERIFIER } from './bearer.tokens';
import { credentialsOf } from './credentials';
import type { Principal } from './principal';
import type { ResourceServerOptions } from './resource-server.options';
import { REQUIRED_SCOPES } from './scopes.decorator';
import type { TokenVerifier } from './token-verifier';

type GuardedRequest = FastifyRequest & {
  user?: Principal;
  raw: FastifyRequest['raw'] & { user?: Principal };
};

/**
 * The one guard of a resource server: the caller from the Authorization header through the
 * TokenVerifier, then the scopes the route requires (@RequireScopes). Every refusal is a
 * BearerError, answered by challengeFor: 401 without or with a bad token, 403
 * `insufficient_scope` naming all the scopes the operation needs (MCP step-up authorization),
 * 400 for a token outside the header, 503 when the token cannot be verified right now.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(RESOURCE_SERVER) private readonly resource: ResourceServerOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const required =
      this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    try {
      const caller = await this.verifier.verify(credentialsOf(request));
      this.checkScopes(required, caller);
      request.user = caller;
      // @rekog/mcp-nest's @ToolScopes read the caller from the raw Node request.
      request.raw.user = caller;
      return true;
    } catch (error) {
      if (!(error instanceof BearerError)) throw error;
      // RFC 6750 §3: a 401's `scope` is what accessing this resource needs, so a route
      // names its own scopes; a route without any names what the server asks for in general.
      const challenge = challengeFor(error, {
        resourceMetadataUrl: this.resource.resourceMetadataUrl,
        challengeScopes: required.length ? required : this.resource.challengeScopes,
      });
      void http.getResponse<FastifyReply>().headers(challenge.headers);
      throw new HttpException(challenge.body, challenge.status);
    }
  }

  /** RFC 6750 §3.1 insufficient_scope unless the token carries every scope the route needs. */
  private checkScopes(required: readonly string[], caller: Principal): void {
    if (required.some((scope) => !caller.scopes.includes(scope))) {
      throw new BearerError(
        'insufficient_scope',
        `this operation needs scope: ${required.join(' ')}`,
        { scope: required.join(' ') },
      );
    }
  }
}
