import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import { RevocationList } from '../storage/revocation-list';
import { AUTH_STORE } from '../storage/store';
import { HealthController, ROLE } from '../common/health.controller';
import { AllExceptionsFilter } from '../common/all-exceptions.filter';
import { RoleContext } from './shared';

/**
 * What every role application gets: the process's config, store and logger (passed in, so
 * all roles of one process share them), /health and the exception filter.
 */
@Global()
@Module({})
export class CoreModule {
  static forRole(context: RoleContext): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: context.logger.child({ role: context.role }),
            // Tokens, cookies and credentials never reach the logs.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { method: string; url: string; id: unknown }) => ({
                id: req.id,
                method: req.method,
                url: stripQuery(req.url),
              }),
            },
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: context.config },
        { provide: AUTH_STORE, useValue: context.store },
        { provide: ROLE, useValue: context.role },
        { provide: RevocationList, useValue: new RevocationList(context.store) },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [APP_CONFIG, AUTH_STORE, ROLE, RevocationList],
    };
  }
}

/** Query strings can carry codes, states and tokens: log the path only. */
function stripQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}
