import {
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  Type,
  UnauthorizedException,
  BadRequestException,
  CanActivate,
  Inject,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IssuerKeys } from './issuer-keys';
import type { KnownTokens } from './jwt.strategy';
import { Principal } from './principal';
import { RESOURCE_SERVER, ResourceServerOptions } from './resource-server.options';
import { REQUIRED_SCOPES } from './scopes.decorator';
import { TokenRejection } from './token-rejection';
import { bearerChallenge, BearerChallenge, dpopChallenge } from './www-authenticate';

/** How long a client should wait before retrying a token we could not verify. */
const RETRY_AFTER_SECONDS = 5;

type RequestWithUser = FastifyRequest & {
  user?: Principal;
  raw: FastifyRequest['raw'] & { user?: Principal };
};

/**
 * The one guard of a resource server: authenticates the bearer token (a token verified before
 * through the strategy's warm path, any other through passport and the strategy's cold path),
 * then checks the scopes the handler requires. Every refusal carries an
 * RFC 6750 challenge: 401 without or with a bad token, 403 `insufficient_scope` naming all the
 * scopes the operation needs (MCP step-up authorization), 400 for a token outside the header.
 */
export function bearerGuardFor(
  strategyName: string,
  strategy: Type<KnownTokens>,
): Type<CanActivate> {
  @Injectable()
  class BearerGuard extends AuthGuard(strategyName) {
    constructor(
      private readonly reflector: Reflector,
      @Inject(RESOURCE_SERVER) private readonly options: ResourceServerOptions,
      @Inject(strategy) private readonly knownTokens: KnownTokens,
      private readonly issuerKeys: IssuerKeys,
    ) {
      super();
    }

    override async canActivate(context: ExecutionContext): Promise<boolean> {
      const http = context.switchToHttp();
      const request = http.getRequest<RequestWithUser>();
      const reply = http.getResponse<FastifyReply>();
      try {
        const token = this.bearerToken(request);
        const known = this.knownTokens.admitKnown(token);
        if (known) {
          request.user = await known.catch((error: unknown) =>
            this.handleRequest<Principal>(error, false, undefined),
          );
        } else {
          await super.canActivate(context);
        }
        const principal = request.user!;
        this.checkScopes(context, principal);
        // mcp-nest reads the caller from the raw Node request.
        request.raw.user = principal;
        return true;
      } catch (error) {
        if (error instanceof HttpException) await this.addResponseHeaders(reply, error);
        throw error;
      }
    }

    override handleRequest<T = Principal>(error: unknown, user: T | false, info: unknown): T {
      if (user) return user;
      const reason = error ?? info;
      if (reason instanceof TokenRejection) this.refuse(reason);
      if (cannotVerifyNow(reason)) {
        // No keys or no current revocation list: the token may be fine, so this is ours.
        throw new ServiceUnavailableException({
          error: 'temporarily_unavailable',
          error_description: 'access tokens cannot be verified right now',
        });
      }
      const name = reason instanceof Error ? reason.name : '';
      // jsonwebtoken's error classes; a missing header is refused in canActivate already.
      const description = name === 'TokenExpiredError' ? 'token expired' : 'token invalid';
      throw new UnauthorizedException({ error: 'invalid_token', error_description: description });
    }

    /** The token of `Authorization: Bearer <token>`; tokens anywhere else are refused. */
    private bearerToken(request: RequestWithUser): string {
      const query = request.query as Record<string, unknown> | undefined;
      if (query && 'access_token' in query) {
        // RFC 6750 §2.3 allows URI tokens, the MCP authorization spec forbids them.
        throw new BadRequestException({
          error: 'invalid_request',
          error_description: 'access tokens are accepted only in the Authorization header',
        });
      }
      const header = request.headers.authorization;
      if (header && /^DPoP(\s|$)/i.test(header)) {
        // RFC 9449 §7.1: the DPoP scheme. Until proofs are checked, refused as such (with the
        // DPoP challenge), never read as a bearer token.
        this.refuse(
          new TokenRejection(
            'sender_constrained',
            'sender-constrained (DPoP) tokens are not accepted yet',
          ),
        );
      }
      // Linear: no nested quantifiers. passport-jwt splits the header the same way.
      const token = header && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) {
        throw new UnauthorizedException({
          error: 'unauthorized',
          error_description: 'a Bearer access token is required',
        });
      }
      return token;
    }

    /** RFC 6750 §3.1 invalid_token; the rejection stays attached for the challenge. */
    private refuse(rejection: TokenRejection): never {
      throw new UnauthorizedException(
        { error: 'invalid_token', error_description: rejection.message },
        { cause: rejection },
      );
    }

    private checkScopes(context: ExecutionContext, principal: Principal): void {
      const required =
        this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [
          context.getHandler(),
          context.getClass(),
        ]) ?? [];
      if (required.some((s) => !principal.scopes.includes(s))) {
        throw new ForbiddenException({
          error: 'insufficient_scope',
          error_description: `this operation needs scope: ${required.join(' ')}`,
          scope: required.join(' '),
        });
      }
    }

    private async addResponseHeaders(reply: FastifyReply, error: HttpException): Promise<void> {
      const options = this.options;
      const challenge = (c: BearerChallenge) =>
        bearerChallenge({ resourceMetadata: options.resourceMetadataUrl, ...c });
      const body = error.getResponse() as {
        error?: string;
        error_description?: string;
        scope?: string;
      };
      switch (error.getStatus() as HttpStatus) {
        case HttpStatus.UNAUTHORIZED: {
          const bearer =
            body.error === 'invalid_token'
              ? challenge({
                  error: 'invalid_token',
                  description: body.error_description,
                  scope: options.challengeScopes.join(' '),
                })
              : challenge({ scope: options.challengeScopes.join(' ') });
          void reply.header(
            'www-authenticate',
            senderConstrained(error)
              ? [bearer, await this.dpopChallenge(body.error_description)]
              : bearer,
          );
          return;
        }
        case HttpStatus.FORBIDDEN:
          void reply.header(
            'www-authenticate',
            challenge({
              error: 'insufficient_scope',
              description: body.error_description,
              scope: body.scope,
            }),
          );
          return;
        case HttpStatus.BAD_REQUEST:
          void reply.header(
            'www-authenticate',
            challenge({ error: 'invalid_request', description: body.error_description }),
          );
          return;
        case HttpStatus.SERVICE_UNAVAILABLE:
          // RFC 9110 §10.2.3: when to ask again; the issuer or the revocation list is retried
          // on the next request.
          void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
          return;
        default:
          return;
      }
    }

    /** RFC 9449 §7.1: what a client must do instead, with the algs the issuer advertises. */
    private async dpopChallenge(description: string | undefined): Promise<string> {
      // The refusal stands without the issuer; only the advisory `algs` needs its discovery.
      const algs = await this.issuerKeys.dpopSigningAlgs().catch(() => []);
      return dpopChallenge({ error: 'invalid_token', description, algs });
    }
  }
  Object.defineProperty(BearerGuard, 'name', { value: `${strategyName}BearerGuard` });
  return BearerGuard;
}

/** A refusal of a token bound to a key, which the DPoP challenge accompanies. */
function senderConstrained(error: HttpException): boolean {
  return error.cause instanceof TokenRejection && error.cause.code === 'sender_constrained';
}

/**
 * Failures on our side: the issuer's discovery document or JWKS unavailable (IssuerUnavailable),
 * a Node system error (ECONNREFUSED, ETIMEDOUT, ...), a revocation list that is not current
 * (RevocationUnavailable, fail closed). An unknown `kid` is a TokenRejection, handled before.
 */
function cannotVerifyNow(reason: unknown): boolean {
  // Shape, not instanceof: Node's system errors may come from another realm (test runners).
  if (typeof reason !== 'object' || reason === null) return false;
  const { name, code } = reason as { name?: unknown; code?: unknown };
  if (name === 'IssuerUnavailable' || name === 'RevocationUnavailable') {
    return true;
  }
  return typeof code === 'string' && /^E[A-Z_]+$/.test(code);
}
