import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OpenApiTools } from './openapi-tools';
import { OWN_TOOLS } from './operation-tools';

/**
 * Waits, before an MCP request, for APIs whose tools are not registered yet to be tried. While
 * one is still down, a call of a tool this server does not know may be one of its tools: the
 * answer is a tool error the model can act on (MCP tools spec, "Error Handling"), not
 * "unknown tool".
 */
@Injectable()
export class OpenApiToolsReadyGuard implements CanActivate {
  constructor(private readonly tools: OpenApiTools) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.tools.ensureLoaded();
    const missing = this.tools.missing;
    if (!missing.length) return true;
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    const call = toolCallOf(body);
    if (!call || OWN_TOOLS.has(call.name) || this.tools.has(call.name)) return true;
    throw new HttpException(
      {
        jsonrpc: '2.0',
        id: call.id,
        result: {
          content: [
            {
              type: 'text',
              text: `The service behind this tool (${missing.join(', ')}) is temporarily unavailable. Try again in a minute.`,
            },
          ],
          isError: true,
        },
      },
      HttpStatus.OK,
    );
  }
}

function toolCallOf(body: unknown): { id: string | number; name: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { method, id, params } = body as Record<string, unknown>;
  if (method !== 'tools/call' || (typeof id !== 'string' && typeof id !== 'number'))
    return undefined;
  const name = (params as Record<string, unknown> | undefined)?.name;
  return typeof name === 'string' ? { id, name } : undefined;
}
