import { DynamicModule, Module } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import type { AuthConfig } from '../config/config';
import { AUTH_CONFIG } from '../config/config.module';
import { CoreModule } from '../core/core.module';
import { AUTH_STORE, AuthStore } from '../storage/store';
import { RoleContext } from '../core/role-context';
import { AccountController } from './pages/account/account.controller';
import { AccountService } from './pages/account/account.service';
import { ConnectedApps } from './pages/account/connected-apps';
import { AuditLog } from './audit/audit-log';
import { CsrfTokens } from './pages/csrf';
import { FaviconController } from './pages/favicon.controller';
import { InteractionController } from './pages/interaction/interaction.controller';
import { InteractionService } from './pages/interaction/interaction.service';
import { LoginThrottle } from './pages/interaction/login-throttle';
import { SameSiteFormGuard } from './pages/interaction/same-site-form.guard';
import { SignIn } from './pages/interaction/sign-in';
import { JwksController, SIGNING_KEY_RING } from './keys/jwks.controller';
import { SigningKeyRing } from './keys/signing-key-ring';
import { OIDC_PROVIDER } from './auth.tokens';
import { UserDirectory } from './users/users';

export interface AuthServerParts {
  readonly config: AuthConfig;
  readonly store: AuthStore;
  readonly provider: Provider;
  readonly users: UserDirectory;
  readonly csrf: CsrfTokens;
  readonly audit: AuditLog;
  readonly signingKeys: SigningKeyRing;
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
