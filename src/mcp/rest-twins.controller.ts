import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { SHARED_CONFIG } from '../config/config.module';
import type { SharedConfig } from '../config/config';
import { Principal } from '../bearer/principal';
import { RequireScopes } from '../bearer/scopes.decorator';
import { Caller } from './transport/caller.decorator';
import { Forecast } from './tools/forecast.schema';
import { Identity, identityOf } from './tools/identity';
import { BearerGuard } from '../bearer/bearer.guard';
import { ServerInfo, serverInfo } from './tools/server-info';
import { orUpstreamHttpError } from './upstream/upstream-http';
import { WeatherApiClient } from './upstream/weather-api.client';

/** The seed's REST endpoints on the MCP port, each the twin of an MCP tool. */
@Controller('api')
export class RestTwinsController {
  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    private readonly weather: WeatherApiClient,
  ) {}

  @Get('public')
  public(): ServerInfo {
    return serverInfo(this.config);
  }

  @Get('protected')
  @UseGuards(BearerGuard)
  protected(@Caller() caller: Principal): Identity {
    return identityOf(caller);
  }

  @Get('sample')
  @UseGuards(BearerGuard)
  @RequireScopes('weatherget')
  sample(@Caller() caller: Principal): Promise<Forecast[]> {
    return orUpstreamHttpError(this.weather.forecasts(caller));
  }
}
