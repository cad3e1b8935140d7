import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { CoreModule } from '../core/core.module';
import { RESOURCES } from '../core/protocol';
import { REVOCATION_VIEW, RevocationView } from '../storage/revocation-view';
import { RoleContext } from '../core/role-context';
import { issuerKeysProvider } from '../bearer/issuer-keys.provider';
import { RESOURCE_SERVER, ResourceServerOptions } from '../bearer/resource-server.options';
import { ApiJwtStrategy } from './api-auth';
import { BenchBaselineController } from './bench-baseline.controller';
import { ProtectedResourceController } from './protected-resource.controller';
import { WeatherController } from './weather.controller';
import { WeatherService } from './weather.service';

/** Root module of the API role: the protected weather API. */
@Module({})
export class WeatherModule {
  static forRoot(context: RoleContext, revocations: RevocationView): DynamicModule {
    const { shared } = context;
    const resourceServer: ResourceServerOptions = {
      issuer: shared.issuer,
      issuerInternalUrl: shared.issuerInternalUrl,
      audience: shared.apiResource,
      resourceMetadataUrl: `${shared.apiBaseUrl}/.well-known/oauth-protected-resource`,
      challengeScopes: RESOURCES.api.challengeScopes,
    };
    return {
      module: WeatherModule,
      imports: [CoreModule.forRole(context), PassportModule],
      controllers: [
        WeatherController,
        ProtectedResourceController,
        ...(shared.production ? [] : [BenchBaselineController]),
      ],
      providers: [
        { provide: RESOURCE_SERVER, useValue: resourceServer },
        issuerKeysProvider(resourceServer, context),
        { provide: REVOCATION_VIEW, useValue: revocations },
        ApiJwtStrategy,
        WeatherService,
      ],
    };
  }
}
