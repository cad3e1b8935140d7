import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '../core/core.module';
import { RoleContext } from '../core/role-context';
import { SpaConfigController } from './spa-config.controller';

/** Root module of the SPA role: the built React app and its runtime configuration. */
@Module({})
export class SpaModule {
  static forRoot(context: RoleContext): DynamicModule {
    return {
      module: SpaModule,
      imports: [CoreModule.forRole(context)],
      controllers: [SpaConfigController],
    };
  }
}
