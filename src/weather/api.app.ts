import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { ApiConfig, SharedConfig } from '../config/config';
import { createRoleApp } from '../core/create-role-app';
import { type ProtectedApi, weatherApiOf } from '../config/apis';
import { RoleContext } from '../core/role-context';
import { RevocationView } from '../storage/revocation-view';
import type { DpopProofOptions } from '../bearer/dpop-proof.check';
import { OAUTH2_REDIRECT_PAGE } from './oauth2-redirect-page';
import { weatherOpenApiDocument } from './openapi-document';
import { WeatherModule } from './weather.module';

/** What the API needs besides the role context: its section and the revocation view. */
export interface ApiServices {
  readonly config: ApiConfig;
  readonly revocations: RevocationView;
  readonly dpop: DpopProofOptions;
}

export async function createApiApp(
  context: RoleContext,
  { config, revocations, dpop }: ApiServices,
): Promise<NestFastifyApplication> {
  const { shared } = context;
  const weather = weatherApiOf(shared);
  const app = await createRoleApp(
    WeatherModule.forRoot(context, revocations, weather, dpop),
    context,
  );
  return setUpApiApp(app, shared, config, weather);
}

/**
 * What makes an application the API role whatever its root module (WeatherModule, or a module
 * of yours that imports it): CORS for the SPA and Swagger UI, and the OpenAPI document at
 * /swagger-json, read from every controller the application declares.
 */
export function setUpApiApp(
  app: NestFastifyApplication,
  shared: SharedConfig,
  config: ApiConfig,
  weather: ProtectedApi,
): NestFastifyApplication {
  app.enableCors({
    origin: [...config.corsOrigins],
    methods: ['GET', 'OPTIONS'],
    // RFC 9449: browsers send proofs in `DPoP` and must read `DPoP-Nonce` (§8, §9).
    allowedHeaders: ['Authorization', 'Content-Type', 'DPoP'],
    exposedHeaders: ['WWW-Authenticate', 'DPoP-Nonce'],
    maxAge: 600,
  });

  const redirectPath = '/swagger/oauth2-redirect.html';
  if (config.swaggerUi) {
    // An exact route: it wins over Swagger UI's static files (`/swagger/*`).
    app
      .getHttpAdapter()
      .getInstance()
      .get(redirectPath, (_request, reply) =>
        reply.type('text/html; charset=utf-8').send(OAUTH2_REDIRECT_PAGE),
      );
  }
  // The OpenAPI document is always served at /swagger-json: the MCP server builds its weather
  // tools from it. Swagger UI is a development aid: off in production unless SWAGGER_UI=true.
  SwaggerModule.setup('swagger', app, weatherOpenApiDocument(app, shared, weather), {
    ui: config.swaggerUi,
    raw: ['json'],
    swaggerOptions: {
      oauth2RedirectUrl: `${shared.apiBaseUrl}${redirectPath}`,
      initOAuth: {
        clientId: shared.clientIds.swagger,
        usePkceWithAuthorizationCodeGrant: true,
        scopes: [...weather.scopes],
        // RFC 8707: ask for a token whose audience is this API.
        additionalQueryStringParams: { resource: shared.apiResource },
      },
      persistAuthorization: false,
    },
  });
  return app;
}
