import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRoleApp } from '../core/create-role-app';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { RoleContext } from '../core/role-context';
import { SWAGGER_CLIENT_ID } from '../auth/provider/clients';
import { WeatherModule } from './weather.module';

export async function createApiApp(context: RoleContext): Promise<NestFastifyApplication> {
  const { config } = context;
  const app = await createRoleApp(WeatherModule.forRoot(context), context);
  app.enableCors({
    origin: [...config.corsOrigins],
    methods: ['GET', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600,
  });

  // Swagger UI is a development aid: off in production unless SWAGGER_UI=true.
  if (config.swaggerUi) setUpSwaggerUi(app, context);
  return app;
}

function setUpSwaggerUi(app: NestFastifyApplication, { config }: RoleContext): void {
  const document = new DocumentBuilder()
    .setTitle('Weather API')
    .setDescription(
      'Protected by api-mcp-auth: authorize with the authorization code flow + PKCE, ' +
        'as the built-in `swagger` client, to call the API with a `weatherget` token.',
    )
    .setVersion('1.0')
    .addOAuth2({
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: `${config.issuer}/connect/authorize`,
          tokenUrl: `${config.issuer}/connect/token`,
          scopes: { weatherget: 'Read weather forecasts', api: 'Use the weather API' },
        },
      },
    })
    .build();
  SwaggerModule.setup('swagger', app, SwaggerModule.createDocument(app, document), {
    swaggerOptions: {
      oauth2RedirectUrl: `${config.apiBaseUrl}/swagger/oauth2-redirect.html`,
      initOAuth: {
        clientId: SWAGGER_CLIENT_ID,
        usePkceWithAuthorizationCodeGrant: true,
        scopes: ['weatherget'],
        // RFC 8707: ask for a token whose audience is this API.
        additionalQueryStringParams: { resource: config.apiResource },
      },
      persistAuthorization: false,
    },
  });
}
