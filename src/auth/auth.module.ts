import { DynamicModule, Module } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import type { AuthConfig } from '../config/config';
import { AUTH_CONFIG } from '../config/config.module';
import { CoreModule } from '../core/core.module';
import { AUTH_STORE, AuthStore } from '../storage/store';
import { RoleContext } from '../core/role-context';
import { AccountController } from './account/account.controller';
import { AccountService } from './account/account.service';
import { ConnectedApps } from './account/connected-apps';
import { AuditLog } from './audit/audit-log';
import { CsrfTokens } from './interaction/csrf';
import { FaviconController } from './interaction/favicon.controller';
import { InteractionController } from './interaction/interaction.controller';
import { InteractionService } from './interaction/interaction.service';
import { LoginThrottle } from './interaction/login-throttle';
import { SameSiteFormGuard } from './interaction/same-site-form.guard';
import { SignIn } from './interaction/sign-in';
import { JwksController, SIGNING_KEY_RING } from './keys/jwks.controller';
import { ConfiguredClients } from './provider/clients';
import { ResourceRegistry } from './provider/resources';
import { SigningKeyRing } from './keys/signing-key-ring';
import { OIDC_PROVIDER } from './oidc.tokens';
import { UserDirectory } from './users/users';

export interface AuthServerParts {
  readonly config: AuthConfig;
  readonly store: AuthStore;
  readonly provider: Provider;
  readonly users: UserDirectory;
  readonly csrf: CsrfTokens;
  readonly audit: AuditLog;
  readonly signingKeys: SigningKeyRing;
  readonly resources: ResourceRegistry;
  readonly clients: ConfiguredClients;
}

/** Root module of the AuthServer role: oidc-provider plus our interaction and account pages. */
@Module({})
export class AuthModule {
  static forRoot(context: RoleContext, parts: AuthServerParts): DynamicModule {
    return {
      module: AuthModule,
      imports: [CoreModule.forRole(context)],
      controllers: [InteractionController, AccountController, FaviconController, JwksController],
      providers: [
        { provide: AUTH_CONFIG, useValue: parts.config },
        { provide: AUTH_STORE, useValue: parts.store },
        { provide: OIDC_PROVIDER, useValue: parts.provider },
        { provide: UserDirectory, useValue: parts.users },
        { provide: CsrfTokens, useValue: parts.csrf },
        { provide: AuditLog, useValue: parts.audit },
        { provide: ResourceRegistry, useValue: parts.resources },
        { provide: ConfiguredClients, useValue: parts.clients },
        {
          provide: SignIn,
          useValue: new SignIn(
            parts.users,
            new LoginThrottle(parts.store),
            parts.audit,
            context.metrics,
          ),
        },
        SameSiteFormGuard,
        { provide: SIGNING_KEY_RING, useValue: parts.signingKeys },
        InteractionService,
        ConnectedApps,
        AccountService,
      ],
    };
  }
}
