import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SHARED_CONFIG } from '../config/config.module';
import type { SharedConfig } from '../config/config';
import { Principal } from '../bearer/principal';
import { RequireScopes } from '../bearer/scopes.decorator';
import { Caller } from './transport/caller.decorator';
import { Forecast, forecastListSchema } from './tools/forecast.schema';
import { Identity, identityOf } from './tools/identity';
import { BearerGuard } from '../bearer/bearer.guard';
import { ServerInfo, serverInfo } from './tools/server-info';
import { OpenApiTools } from './openapi/openapi-tools';
import { toolFailureRefusal } from './openapi/tool-failure-http';
import { badGateway, refuse } from './upstream/upstream-http';

/** The seed's REST endpoints on the MCP port, each the twin of an MCP tool. */
@Controller('api')
export class RestTwinsController {
  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    private readonly tools: OpenApiTools,
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

  /** The weather tool's call (`GET /WeatherForecast` of the API), answered as plain JSON. */
  @Get('sample')
  @UseGuards(BearerGuard)
  @RequireScopes('weatherget')
  async sample(
    @Caller() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Forecast[]> {
    const outcome = await this.tools.callOperation(
      this.config.apiResource,
      'get',
      '/WeatherForecast',
      {},
      caller,
    );
    if (!outcome.ok) refuse(reply, toolFailureRefusal(outcome));
    // The tool checked the answer against the API's own description; this endpoint promises
    // the seed's shape, whatever that description says.
    const forecasts = forecastListSchema.safeParse(outcome.body);
    if (!forecasts.success) refuse(reply, badGateway('the API sent an unexpected body'));
    return forecasts.data;
  }
}
