import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { CoreModule } from '../core/core.module';
import { RoleContext } from '../core/role-context';
import { RESOURCE_SERVER, ResourceServerOptions } from '../bearer/resource-server.options';
import { ApiJwtStrategy } from './api-auth';
import { ProtectedResourceController } from './protected-resource.controller';
import { WeatherController } from './weather.controller';
import { WeatherService } from './weather.service';

/** Root module of the API role: the protected weather API. */
@Module({})
export class WeatherModule {
  static forRoot(context: RoleContext): DynamicModule {
    const { config } = context;
    const resourceServer: ResourceServerOptions = {
      issuer: config.issuer,
      jwksUri: `${config.issuerInternalUrl}/.well-known/openid-configuration/jwks`,
      audience: config.apiResource,
      resourceMetadataUrl: `${config.apiBaseUrl}/.well-known/oauth-protected-resource`,
      challengeScopes: ['weatherget'],
    };
    return {
      module: WeatherModule,
      imports: [CoreModule.forRole(context), PassportModule],
      controllers: [WeatherController, ProtectedResourceController],
      providers: [
        { provide: RESOURCE_SERVER, useValue: resourceServer },
        ApiJwtStrategy,
        WeatherService,
      ],
    };
  }
}
