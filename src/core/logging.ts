import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';

/**
 * A role's pino logger: tagged with the role, and with request serializers that keep tokens,
 * cookies and credentials out of the logs (Authorization header, query strings, cookies).
 */
export function roleLogger(root: PinoLogger, role: string): PinoLogger {
  return root.child(
    { role },
    {
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: pathOnly(req.url ?? ''),
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
  );
}

/** Query strings carry codes, states and tokens: only the path is logged. */
function pathOnly(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}

/** Nest's LoggerService on top of pino, so framework and application logs share one stream. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string) {
    this.write('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.write('fatal', message, context);
  }
  setLogLevels(_levels: LogLevel[]) {
    // pino's level, set from LOG_LEVEL, decides.
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    context?: string,
  ) {
    if (message instanceof Error) this.logger[level]({ err: message, context }, message.message);
    else if (typeof message === 'object' && message !== null)
      this.logger[level]({ ...message, context });
    else this.logger[level]({ context }, String(message));
  }
}
