import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ApiConfig, SharedConfig } from '../config/config';
import { createRoleApp } from '../core/create-role-app';
import { RESOURCES } from '../core/protocol';
import { RoleContext } from '../core/role-context';
import { RevocationView } from '../storage/revocation-view';
import { OIDC_SECURITY } from './weather.controller';
import { WeatherModule } from './weather.module';

/** What the API needs besides the role context: its section and the revocation view. */
export interface ApiServices {
  readonly config: ApiConfig;
  readonly revocations: RevocationView;
}

export async function createApiApp(
  context: RoleContext,
  { config, revocations }: ApiServices,
): Promise<NestFastifyApplication> {
  const app = await createRoleApp(WeatherModule.forRoot(context, revocations), context);
  app.enableCors({
    origin: [...config.corsOrigins],
    methods: ['GET', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600,
  });

  // Swagger UI is a development aid: off in production unless SWAGGER_UI=true.
  if (config.swaggerUi) setUpSwaggerUi(app, context.shared);
  return app;
}

function setUpSwaggerUi(app: NestFastifyApplication, shared: SharedConfig): void {
  const document = new DocumentBuilder()
    .setTitle('Weather API')
    .setDescription(
      'Protected by api-mcp-auth: authorize with the authorization code flow + PKCE, ' +
        `as the built-in \`${shared.clientIds.swagger}\` client, to call the API with a ` +
        `\`${RESOURCES.api.challengeScopes.join(' ')}\` token.`,
    )
    .setVersion('1.0')
    // OpenAPI 3 `openIdConnect`: Swagger UI reads the endpoints from the issuer's discovery
    // document, so this role names no AuthServer path.
    .addSecurity(OIDC_SECURITY, {
      type: 'openIdConnect',
      openIdConnectUrl: `${shared.issuer}/.well-known/openid-configuration`,
    })
    .build();
  SwaggerModule.setup('swagger', app, SwaggerModule.createDocument(app, document), {
    swaggerOptions: {
      oauth2RedirectUrl: `${shared.apiBaseUrl}/swagger/oauth2-redirect.html`,
      initOAuth: {
        clientId: shared.clientIds.swagger,
        usePkceWithAuthorizationCodeGrant: true,
        scopes: [...RESOURCES.api.challengeScopes],
        // RFC 8707: ask for a token whose audience is this API.
        additionalQueryStringParams: { resource: shared.apiResource },
      },
      persistAuthorization: false,
    },
  });
}
