import { Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { McpController, Tool, ToolScopes } from '@rekog/mcp-nest';
import { z } from 'zod';
import { Principal } from '../../bearer/principal';
import { Caller } from '../transport/caller.decorator';
import { Forecast, forecastSchema } from './forecast.schema';
import { toolFailure, toolResult } from './tool-result';
import { WeatherApiClient } from '../upstream/weather-api.client';
import { SCOPE } from '../../core/protocol';

const noInput = z.object({}).strict();

@McpController()
export class WeatherTools {
  private readonly logger = new Logger(WeatherTools.name);

  constructor(private readonly weather: WeatherApiClient) {}

  @Tool({
    name: 'get-weather-forecast',
    description:
      'Get the weather forecast for the next five days: for each day its date, temperature in ' +
      'Celsius and Fahrenheit, and a one-word summary. Takes no arguments.',
    parameters: noInput,
    outputSchema: z.object({ forecasts: z.array(forecastSchema) }),
    annotations: {
      title: 'Weather forecast',
      readOnlyHint: true,
      destructiveHint: false,
      // Forecasts are generated per request, so repeating the call may give other values.
      idempotentHint: false,
      openWorldHint: true,
    },
  })
  @ToolScopes([SCOPE.weatherget])
  async getWeatherForecast(
    @Payload() _input: unknown,
    @Caller() caller: Principal,
  ): Promise<CallToolResult> {
    try {
      const forecasts = await this.weather.forecasts(caller);
      return toolResult(describe(forecasts), { forecasts });
    } catch (error) {
      this.logger.warn({ msg: 'get-weather-forecast failed', err: error });
      return toolFailure(error);
    }
  }
}

function describe(forecasts: readonly Forecast[]): string {
  const lines = forecasts.map(
    (f) => `${f.date}: ${f.summary}, ${f.temperatureC} °C (${f.temperatureF} °F)`,
  );
  return `Forecast for the next ${forecasts.length} days:\n${lines.join('\n')}`;
}
