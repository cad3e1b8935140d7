import { BadRequestException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/**
 * Invalid JSON sent to this server is a JSON-RPC parse error (JSON-RPC 2.0 §5.1, code -32700)
 * rather than the framework's own 400 body, so an MCP client can read what went wrong.
 * Parsing is still Fastify's, with its prototype-poisoning defences.
 */
export function useJsonRpcParseErrors(app: NestFastifyApplication): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', {}, (request, body, done) => {
    void parse(request, body.toString(), (error, parsed) => {
      if (!error) return done(null, parsed);
      done(
        new BadRequestException({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32700, message: 'Parse error: the request body is not valid JSON' },
        }),
        undefined,
      );
    });
  });
}
