import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module';
import { RevocationList } from '../storage/revocation-list';
import { AUTH_STORE } from '../storage/store';
import { HealthController, ROLE } from './health.controller';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { Lifecycle } from './lifecycle';
import { RoleContext } from './role-context';

/**
 * What every role application gets: the process's config and store (passed in, so all roles
 * of one process share them), /health and the exception filter.
 */
@Global()
@Module({})
export class CoreModule {
  static forRole(context: RoleContext): DynamicModule {
    return {
      module: CoreModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: context.config },
        { provide: AUTH_STORE, useValue: context.store },
        { provide: ROLE, useValue: context.role },
        { provide: Lifecycle, useValue: context.lifecycle },
        { provide: RevocationList, useValue: new RevocationList(context.store) },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [APP_CONFIG, AUTH_STORE, ROLE, RevocationList],
    };
  }
}
