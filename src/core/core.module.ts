import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { SHARED_CONFIG } from '../config/config.module';
import { HealthController, ROLE } from './health.controller';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { Lifecycle } from './lifecycle';
import { Metrics } from './metrics/metrics';
import { Readiness } from './readiness';
import { ReadyController } from './ready.controller';
import { RoleContext } from './role-context';

/**
 * What every role application gets: the shared config (URLs and identifiers, no secrets),
 * its role name, the process's metrics, its readiness checks, /health, /ready and the exception
 * filter. Storage is not here: only the roles that
 * need it are given it.
 */
@Global()
@Module({})
export class CoreModule {
  static forRole(context: RoleContext): DynamicModule {
    return {
      module: CoreModule,
      controllers: [HealthController, ReadyController],
      providers: [
        { provide: SHARED_CONFIG, useValue: context.shared },
        { provide: ROLE, useValue: context.role },
        { provide: Lifecycle, useValue: context.lifecycle },
        { provide: Metrics, useValue: context.metrics },
        { provide: Readiness, useValue: context.readiness },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [SHARED_CONFIG, ROLE, Metrics, Readiness],
    };
  }
}
