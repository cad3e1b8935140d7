import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type InteractionResults, type Provider } from 'oidc-provider';
import { AUTH_CONFIG, SHARED_CONFIG } from '../../config/config.module';
import type { AuthConfig, SharedConfig } from '../../config/config';
import { CsrfTokens } from './csrf';
import { LoginThrottle } from './login-throttle';
import { OIDC_PROVIDER } from '../oidc.tokens';
import { ResourceRegistry } from '../provider/resources';
import { SCOPE_DESCRIPTIONS } from '../provider/scopes';
import { UserDirectory } from '../users/users';
import { consentPage, loginPage, messagePage, PAGE_HEADERS } from './views';

export interface InteractionForm {
  readonly csrf?: string;
  readonly action?: string;
  readonly username?: string;
  readonly password?: string;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What oidc-provider's consent prompt says is still missing from the grant. */
interface ConsentDetails {
  readonly missingOIDCScope?: string[];
  readonly missingOIDCClaims?: string[];
  readonly missingResourceScopes?: Record<string, string[]>;
}

function consentDetails(details: Details): ConsentDetails {
  return details.prompt.details;
}

/** Our login and consent pages for oidc-provider's interactions. */
@Injectable()
export class InteractionService {
  private readonly resources: ResourceRegistry;

  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    @Inject(SHARED_CONFIG) private readonly shared: SharedConfig,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UserDirectory,
    private readonly csrf: CsrfTokens,
    private readonly throttle: LoginThrottle,
  ) {
    this.resources = new ResourceRegistry(shared, config.accessTokenTtlSeconds);
  }

  async show(uid: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const details = await this.details(uid, request, reply);
    if (!details) return;
    const clientName = await this.clientName(details);
    if (details.prompt.name === 'login') {
      return this.html(reply, 200, loginPage(this.loginView(uid, clientName)));
    }
    const accountId = details.session?.accountId ?? '';
    const user = this.users.findBySubject(accountId);
    const promptDetails = consentDetails(details);
    const scopes = [
      ...new Set([
        ...(promptDetails.missingOIDCScope ?? []),
        ...Object.values(promptDetails.missingResourceScopes ?? {}).flat(),
      ]),
    ];
    return this.html(
      reply,
      200,
      consentPage({
        action: `/interaction/${uid}/confirm`,
        csrf: this.csrf.issue(uid),
        clientName,
        clientHost: clientHostOf(String(details.params.client_id)),
        userName: user?.name ?? accountId,
        scopes: scopes.map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] ?? name })),
        resources: Object.entries(promptDetails.missingResourceScopes ?? {}).map(
          ([id, granted]) => ({
            id,
            name: this.resources.find(id)?.name ?? id,
            scopes: granted,
          }),
        ),
      }),
    );
  }

  async login(
    uid: string,
    form: InteractionForm,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const details = await this.details(uid, request, reply, form);
    if (!details) return;
    if (form.action === 'abort') {
      return this.finish(request, reply, {
        error: 'access_denied',
        error_description: 'End-User aborted the sign-in',
      });
    }
    if (details.prompt.name !== 'login') return this.show(uid, request, reply);
    const username = form.username ?? '';
    const refuse = async (status: number, error: string) => {
      const view = this.loginView(uid, await this.clientName(details), { username, error });
      this.html(reply, status, loginPage(view));
    };

    const wait = await this.throttle.attempt(username, request.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      const minutes = Math.ceil(wait / 60);
      return refuse(
        429,
        `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    const user = await this.users.authenticate(username, form.password ?? '');
    if (!user) return refuse(401, 'Wrong username or password.');
    await this.throttle.succeeded(username, request.ip);
    return this.finish(request, reply, { login: { accountId: user.sub } });
  }

  async confirm(
    uid: string,
    form: InteractionForm,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const details = await this.details(uid, request, reply, form);
    if (!details) return;
    if (details.prompt.name !== 'consent') return this.show(uid, request, reply);
    if (form.action !== 'allow') {
      return this.finish(request, reply, {
        error: 'access_denied',
        error_description: 'End-User denied the request',
      });
    }
    const accountId = details.session?.accountId;
    const clientId = String(details.params.client_id);
    const grant = details.grantId
      ? await this.provider.Grant.find(details.grantId)
      : new this.provider.Grant({ accountId, clientId });
    if (!grant) throw new errors.SessionNotFound('grant not found');
    const promptDetails = consentDetails(details);
    if (promptDetails.missingOIDCScope)
      grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
    if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    return this.finish(request, reply, { consent: { grantId } });
  }

  private async details(
    uid: string,
    request: FastifyRequest,
    reply: FastifyReply,
    form?: InteractionForm,
  ): Promise<Details | undefined> {
    if (form && !this.sameOrigin(request)) {
      this.html(
        reply,
        403,
        messagePage('Request refused', 'The form was posted from another site.'),
      );
      return undefined;
    }
    if (form && !this.csrf.verify(uid, form.csrf)) {
      this.html(
        reply,
        403,
        messagePage('Request refused', 'The form has expired. Start the sign-in again.'),
      );
      return undefined;
    }
    let details: Details;
    try {
      details = await this.provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        this.html(
          reply,
          400,
          messagePage(
            'Sign-in expired',
            'This sign-in is no longer valid. Start again from the application.',
          ),
        );
        return undefined;
      }
      throw error;
    }
    if (details.uid !== uid) {
      this.html(
        reply,
        400,
        messagePage('Sign-in expired', 'This sign-in page does not belong to the current sign-in.'),
      );
      return undefined;
    }
    return details;
  }

  private async finish(request: FastifyRequest, reply: FastifyReply, result: InteractionResults) {
    const redirectTo = await this.provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    await reply.redirect(redirectTo, 303);
  }

  private loginView(
    uid: string,
    clientName: string,
    extra: { username?: string; error?: string } = {},
  ) {
    return {
      action: `/interaction/${uid}/login`,
      csrf: this.csrf.issue(uid),
      clientName,
      devHint: this.config.devUsers,
      ...extra,
    };
  }

  private async clientName(details: Details): Promise<string> {
    const clientId = String(details.params.client_id);
    const client = await this.provider.Client.find(clientId);
    return client?.clientName ?? clientHostOf(clientId) ?? clientId;
  }

  /** Origin, when the browser sends one, must be ours (a second CSRF defence). */
  private sameOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    return origin === undefined || origin === new URL(this.shared.issuer).origin;
  }

  private html(reply: FastifyReply, status: number, body: string): void {
    void reply.status(status).headers(PAGE_HEADERS).send(body);
  }
}

/** Client ID Metadata Document clients are named by URL: show whose host they live on. */
function clientHostOf(clientId: string): string | undefined {
  if (!clientId.startsWith('https://')) return undefined;
  return URL.parse(clientId)?.host;
}
