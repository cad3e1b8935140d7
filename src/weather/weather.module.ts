import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '../core/core.module';
import type { ProtectedApi } from '../config/apis';
import { RevocationView } from '../storage/revocation-view';
import { RoleContext } from '../core/role-context';
import { BearerModule } from '../bearer/bearer.module';
import type { DpopProofOptions } from '../bearer/dpop-proof.check';
import { ResourceServerOptions } from '../bearer/resource-server.options';
import { BenchBaselineController } from './bench-baseline.controller';
import { ProtectedResourceController } from './protected-resource.controller';
import { WEATHER_API } from './weather-api.entry';
import { WeatherController } from './weather.controller';
import { WeatherService } from './weather.service';

/**
 * Root module of the API role: the protected weather API. It exports the bearer protection, so
 * a module of yours that imports it can declare controllers of its own behind the same
 * `@UseGuards(BearerGuard)` and `@RequireScopes(...)`; their scopes belong in the API's list
 * (README: "Protect a new route with a new scope").
 */
@Module({})
export class WeatherModule {
  static forRoot(
    context: RoleContext,
    revocations: RevocationView,
    weather: ProtectedApi,
    dpop: DpopProofOptions,
  ): DynamicModule {
    const { shared } = context;
    const resource: ResourceServerOptions = {
      issuer: shared.issuer,
      issuerInternalUrl: shared.issuerInternalUrl,
      audience: shared.apiResource,
      publicBaseUrl: shared.apiBaseUrl,
      internalBaseUrl: shared.apiInternalUrl,
      resourceMetadataUrl: `${shared.apiBaseUrl}/.well-known/oauth-protected-resource`,
      challengeScopes: weather.scopes,
    };
    return {
      module: WeatherModule,
      imports: [
        CoreModule.forRole(context),
        BearerModule.forResource({ resource, revocations, dpop, caches: shared.caches }),
      ],
      controllers: [
        WeatherController,
        ProtectedResourceController,
        ...(shared.production ? [] : [BenchBaselineController]),
      ],
      providers: [WeatherService, { provide: WEATHER_API, useValue: weather }],
      exports: [BearerModule],
    };
  }
}
