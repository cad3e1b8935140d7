import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OriginPolicy } from './origin-policy';

/**
 * Refuses browser requests from origins outside the policy before anything else runs, with
 * a JSON-RPC error body without `id` as the MCP transport spec allows, so a client does not
 * mistake the refusal for a legacy server.
 */
@Injectable()
export class McpOriginGuard implements CanActivate {
  constructor(private readonly policy: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const origin = context.switchToHttp().getRequest<FastifyRequest>().headers.origin;
    if (origin === undefined || this.policy.allows(origin)) return true;
    throw new ForbiddenException({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: `Forbidden: origin ${origin} is not allowed` },
    });
  }
}
