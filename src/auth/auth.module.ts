import { DynamicModule, Module } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import { CoreModule } from '../core/core.module';
import { RoleContext } from '../core/role-context';
import { CsrfTokens } from './interaction/csrf';
import { InteractionController } from './interaction/interaction.controller';
import { InteractionService } from './interaction/interaction.service';
import { LoginThrottle } from './interaction/login-throttle';
import { JwksController, SIGNING_KEY_RING } from './keys/jwks.controller';
import { SigningKeyRing } from './keys/signing-key-ring';
import { OIDC_PROVIDER } from './oidc.tokens';
import { UserDirectory } from './users/users';

export interface AuthServerParts {
  readonly provider: Provider;
  readonly users: UserDirectory;
  readonly csrf: CsrfTokens;
  readonly signingKeys: SigningKeyRing;
}

/** Root module of the AuthServer role: oidc-provider plus our interaction pages. */
@Module({})
export class AuthModule {
  static forRoot(context: RoleContext, parts: AuthServerParts): DynamicModule {
    return {
      module: AuthModule,
      imports: [CoreModule.forRole(context)],
      controllers: [InteractionController, JwksController],
      providers: [
        { provide: OIDC_PROVIDER, useValue: parts.provider },
        { provide: UserDirectory, useValue: parts.users },
        { provide: CsrfTokens, useValue: parts.csrf },
        { provide: SIGNING_KEY_RING, useValue: parts.signingKeys },
        { provide: LoginThrottle, useValue: new LoginThrottle(context.store) },
        InteractionService,
      ],
    };
  }
}
