import { DynamicModule, Module } from '@nestjs/common';
import type { AuthConfig } from '../config/config';
import { CoreModule } from '../core/core.module';
import { RoleContext } from '../core/role-context';
import type { AuthStore } from '../storage/store';
import { CONNECTION_PROVIDERS } from './auth.connections.providers';
import { AUTH_PROVIDERS } from './auth.providers';
import { ConnectionsController } from './pages/connections/connections.controller';
import { AUTH_CONFIG, AUTH_FETCH, AUTH_LOGGER, AUTH_STORE } from './auth.tokens';
import { JwksController } from './keys/jwks.controller';
import { AccountController } from './pages/account/account.controller';
import { AccountService } from './pages/account/account.service';
import { ConnectedApps } from './pages/account/connected-apps';
import { FaviconController } from './pages/favicon.controller';
import { FederationController } from './pages/federation/federation.controller';
import { InteractionController } from './pages/interaction/interaction.controller';
import { InteractionService } from './pages/interaction/interaction.service';
import { SameSiteFormGuard } from './pages/interaction/same-site-form.guard';

/** What the AuthServer needs besides the role context: its section, the store, outbound HTTP. */
export interface AuthServerServices {
  readonly config: AuthConfig;
  readonly store: AuthStore;
  readonly fetch: typeof fetch;
}

/**
 * Root module of the AuthServer role and its composition root: oidc-provider plus our
 * interaction and account pages. What the bootstrap hands in is provided as it is; everything
 * else is built here from it (auth.providers.ts).
 */
@Module({})
export class AuthModule {
  static forRoot(context: RoleContext, services: AuthServerServices): DynamicModule {
    return {
      module: AuthModule,
      imports: [CoreModule.forRole(context)],
      controllers: [
        InteractionController,
        AccountController,
        FaviconController,
        JwksController,
        FederationController,
        ConnectionsController,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: services.config },
        { provide: AUTH_STORE, useValue: services.store },
        { provide: AUTH_FETCH, useValue: services.fetch },
        { provide: AUTH_LOGGER, useValue: context.logger },
        ...AUTH_PROVIDERS,
        ...CONNECTION_PROVIDERS,
        SameSiteFormGuard,
        InteractionService,
        ConnectedApps,
        AccountService,
      ],
    };
  }
}
