import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/config';
import { Principal } from '../auth/principal';
import { RequireScopes } from '../auth/scopes.decorator';
import { Caller } from './caller.decorator';
import { Forecast } from './forecast.schema';
import { Identity, identityOf } from './identity';
import { McpBearerGuard } from './mcp-auth';
import { ServerInfo, serverInfo } from './server-info';
import { orUpstreamHttpError } from './upstream-http';
import { WeatherApiClient } from './weather-api.client';

/** The seed's REST endpoints on the MCP port, each the twin of an MCP tool. */
@Controller('api')
export class RestTwinsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly weather: WeatherApiClient,
  ) {}

  @Get('public')
  public(): ServerInfo {
    return serverInfo(this.config);
  }

  @Get('protected')
  @UseGuards(McpBearerGuard)
  protected(@Caller() caller: Principal): Identity {
    return identityOf(caller);
  }

  @Get('sample')
  @UseGuards(McpBearerGuard)
  @RequireScopes('weatherget')
  sample(@Caller() caller: Principal): Promise<Forecast[]> {
    return orUpstreamHttpError(this.weather.forecasts(caller));
  }
}
