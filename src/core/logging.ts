import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type Logger as PinoLogger } from 'pino';
import type { LoggingConfig } from '../config/config';

/** The process's root logger: JSON, or pretty on a terminal in development. */
export function createLogger(config: LoggingConfig, production: boolean): PinoLogger {
  const pretty =
    config.format === 'pretty' || (config.format === 'auto' && !production && process.stdout.isTTY);
  return pino({
    level: config.level,
    // pino-pretty is a development dependency: never asked for in production images.
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } }
      : {}),
    redact: {
      paths: ['*.authorization', '*.password', '*.client_secret', '*.token'],
      censor: '[redacted]',
    },
  });
}

/**
 * Nest's and mcp-nest's start-up chatter (every module initialised, every route mapped,
 * "successfully started", "transport ready"): useful when debugging wiring, noise for
 * everyone else. Only their `log` (info) lines move to debug; warnings and errors stay.
 */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
  'McpStrategy',
]);

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

/**
 * Nest's `Logger` is process-wide: every `new Logger(context)`, ours and the libraries'
 * (mcp-nest's McpStrategy), writes through the one logger the last NestFactory.create
 * installed, so with several roles in one process a line would name the role created last.
 * Each role's start-up and each request it serves run in its scope, and NestPinoLogger writes
 * to the logger of the scope it is called from.
 */
const roleScope = new AsyncLocalStorage<PinoLogger>();

/** Runs `work`, and what it starts, as the role whose logger `roleLog` is (roleLogger). */
export function inRoleScope<T>(roleLog: PinoLogger, work: () => T): T {
  return roleScope.run(roleLog, work);
}

/**
 * Nest's LoggerService on top of pino, so framework and application logs share one stream:
 * the current role's logger, or `outside` (no role) for what runs in no role's scope.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly outside: PinoLogger) {}

  private get logger(): PinoLogger {
    return roleScope.getStore() ?? this.outside;
  }

  log(message: unknown, context?: string) {
    this.write(context && START_UP_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
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
