import { Inject, Injectable } from '@nestjs/common';
import { SHARED_CONFIG } from '../../config/config.module';
import type { SharedConfig } from '../../config/config';
import { Principal } from '../../bearer/principal';
import type { WeatherScope } from '../../config/apis';
import { Forecast, forecastListSchema } from '../tools/forecast.schema';
import { ApiCallError, ApiHttpClient, ApiResponse } from './api-http';
import { TokenExchangeClient } from './token-exchange.client';
import { UpstreamError } from './upstream.error';

/** What `GET /WeatherForecast` requires (its `@RequireScopes`). */
const SCOPE: WeatherScope = 'weatherget';

/**
 * The weather API as a third party sees it: `GET /WeatherForecast` over HTTP, with a token
 * minted for the API by token exchange on the caller's behalf.
 */
@Injectable()
export class WeatherApiClient {
  constructor(
    @Inject(SHARED_CONFIG) private readonly config: SharedConfig,
    private readonly exchange: TokenExchangeClient,
    private readonly http: ApiHttpClient,
  ) {}

  async forecasts(caller: Principal): Promise<Forecast[]> {
    const resource = this.config.apiResource;
    const token = await this.exchange.tokenFor(caller, resource, SCOPE);
    let response: ApiResponse;
    try {
      response = await this.http.send({
        url: `${this.config.apiInternalUrl}/WeatherForecast`,
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
    } catch (error) {
      if (error instanceof ApiCallError && error.code === 'too_large')
        throw new UpstreamError('api_bad_response', 'weather API answer too large', {
          cause: error,
        });
      throw new UpstreamError('api_unavailable', 'weather API unreachable', { cause: error });
    }

    switch (response.status) {
      case 200:
        break;
      case 401:
        this.exchange.forget(caller, resource, SCOPE);
        throw new UpstreamError('api_unauthorized', 'weather API refused the exchanged token');
      case 403:
        throw new UpstreamError('api_forbidden', 'weather API requires a scope the caller lacks');
      default:
        throw new UpstreamError('api_unavailable', `weather API answered HTTP ${response.status}`);
    }

    const parsed = forecastListSchema.safeParse(parseJson(response.text));
    if (!parsed.success)
      throw new UpstreamError('api_bad_response', 'weather API sent an unexpected body');
    return parsed.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
