import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { InteractionResults, Provider } from 'oidc-provider';
import type { AuthConfig } from '../../../config/config';
import { AuditLog } from '../../audit/audit-log';
import { AUTH_CONFIG, OIDC_PROVIDER } from '../../auth.tokens';
import { ConfiguredClients } from '../../catalog/clients';
import { ResourceRegistry } from '../../catalog/resources';
import { UserDirectory } from '../../users/users';
import { clientView } from '../client-view';
import { missingConsent, requestedScopes, saveConsent } from './consent';
import { CsrfTokens } from '../csrf';
import type { ConsentForm, LoginForm } from '../interaction-forms';
import { InteractionError } from '../interaction.errors';
import { pageReply, type InteractionReply } from '../interaction-reply';
import { SignIn } from './sign-in';
import { FederationService } from '../federation/federation.service';
import { UpstreamDirectory } from '../../federation/upstream-directory';
import { FederationRecords } from '../../federation/federation-records';
import { withheldScopes } from '../../federation/scope-rules';
import { consentPage, type ClientView, loginPage } from '../views';

/** The raw request and response oidc-provider reads its interaction cookie from. */
export interface InteractionExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The client's address as the proxy settings decide it (for the login throttle). */
  readonly ip: string;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Our login and consent steps for oidc-provider's interactions. Each method says what to
 * answer (a page or a redirect); refusals are thrown as InteractionError for the filter.
 */
@Injectable()
export class InteractionService {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UserDirectory,
    private readonly csrf: CsrfTokens,
    private readonly signIn: SignIn,
    private readonly audit: AuditLog,
    private readonly resources: ResourceRegistry,
    private readonly configuredClients: ConfiguredClients,
    private readonly federation: FederationService,
    private readonly upstreams: UpstreamDirectory,
    private readonly federationRecords: FederationRecords,
  ) {}

  async show(uid: string, exchange: InteractionExchange): Promise<InteractionReply> {
    const details = await this.details(uid, exchange);
    // login_hint (OpenID Connect Core §3.1.2.1) in a domain an upstream serves: straight there.
    const hint = details.params.login_hint;
    const idp =
      details.prompt.name === 'login' && typeof hint === 'string' && hint.length <= 256
        ? await this.upstreams.forEmail(hint)
        : undefined;
    if (idp)
      return this.federation.start(uid, param(details, 'client_id'), idp, hint as string, exchange);
    return this.render(uid, details);
  }

  /** The "Continue with …" button of upstream `slug`. */
  async federate(uid: string, slug: string, exchange: InteractionExchange) {
    const details = await this.details(uid, exchange);
    if (details.prompt.name !== 'login') return this.render(uid, details);
    return this.federation.startBySlug(uid, param(details, 'client_id'), slug, exchange);
  }

  async login(uid: string, form: LoginForm, exchange: InteractionExchange) {
    const details = await this.details(uid, exchange);
    if (form.action === 'abort') {
      return this.finish(exchange, {
        error: 'access_denied',
        error_description: 'End-User aborted the sign-in',
      });
    }
    if (details.prompt.name !== 'login') return this.render(uid, details);
    // An address in a domain an upstream serves signs in there, never with a password here.
    const idp = await this.upstreams.forEmail(form.username);
    if (idp)
      return this.federation.start(uid, param(details, 'client_id'), idp, form.username, exchange);
    const who = {
      username: form.username,
      clientId: param(details, 'client_id'),
      address: exchange.ip,
    };
    const result = await this.signIn.attempt(who, form.password);
    switch (result.kind) {
      case 'signed_in':
        return this.finish(exchange, { login: { accountId: result.subject } });
      case 'wrong_credentials':
        return this.loginPage(uid, details, 401, {
          username: form.username,
          error: 'Wrong username or password.',
        });
      case 'throttled': {
        const minutes = Math.ceil(result.retryAfter / 60);
        const error = `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
        return this.loginPage(
          uid,
          details,
          429,
          { username: form.username, error },
          result.retryAfter,
        );
      }
    }
  }

  async confirm(uid: string, form: ConsentForm, exchange: InteractionExchange) {
    const details = await this.details(uid, exchange);
    if (details.prompt.name !== 'consent') return this.render(uid, details);
    const subject = details.session?.accountId ?? '';
    const clientId = param(details, 'client_id');
    if (form.action !== 'allow') {
      this.audit.consentDenied({ subject, clientId });
      return this.finish(exchange, {
        error: 'access_denied',
        error_description: 'End-User denied the request',
      });
    }
    const missing = missingConsent(details);
    const { withheld } = await this.upstreamFacts(details);
    const grantId = await saveConsent(this.provider, details, subject, clientId, withheld);
    this.audit.consentGranted({
      subject,
      clientId,
      grantId,
      scopes: requestedScopes(missing).filter((s) => !withheld.includes(s)),
      resources: Object.keys(missing.missingResourceScopes ?? {}),
    });
    return this.finish(exchange, { consent: { grantId } });
  }

  /** The interaction in the browser's cookie; it must be the one the URL names. */
  private async details(uid: string, { req, res }: InteractionExchange): Promise<Details> {
    // Throws errors.SessionNotFound when the cookie is gone or expired: the filter renders it.
    const details = await this.provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new InteractionError('other_interaction');
    return details;
  }

  private async render(uid: string, details: Details): Promise<InteractionReply> {
    if (details.prompt.name === 'login') return this.loginPage(uid, details, 200);
    const accountId = details.session?.accountId ?? '';
    const missing = missingConsent(details);
    const { withheld, upstream } = await this.upstreamFacts(details);
    const html = consentPage({
      upstream,
      action: `/interaction/${uid}/confirm`,
      csrf: this.csrf.issue(uid),
      client: await this.client(details),
      userName: (await this.users.findBySubject(accountId))?.name ?? accountId,
      scopes: requestedScopes(missing)
        .filter((name) => !withheld.includes(name))
        .map((name) => ({
          name,
          description: this.resources.describe(name),
        })),
      resources: Object.entries(missing.missingResourceScopes ?? {}).map(([id, scopes]) => ({
        id,
        name: this.resources.find(id)?.name ?? id,
        scopes,
      })),
    });
    return pageReply(200, html);
  }

  /**
   * For a session signed in through an upstream (amr `fed`): what the upstream asserted and
   * which requested scopes its rules withhold. Fails closed: a federated session whose record
   * is gone, or whose upstream was removed, gets no scope that any rule of it names.
   */
  private async upstreamFacts(details: Details) {
    const accountId = details.session?.accountId;
    if (!accountId || !details.session?.amr?.includes('fed')) return { withheld: [] };
    const signIn = await this.federationRecords.signInOf(accountId);
    const idp = signIn && (await this.upstreams.find(signIn.slug));
    const requested = requestedScopes(missingConsent(details));
    if (!signIn || !idp) return { withheld: requested.filter((s) => s !== 'openid') };
    const withheld = withheldScopes(requested, idp.scopeRules, signIn.claims);
    const claims = Object.entries(signIn.claims).map(
      ([k, v]) => [k, typeof v === 'string' ? v : v.join(', ')] as const,
    );
    return { withheld, upstream: { name: idp.displayName, claims, withheld } };
  }

  private async loginPage(
    uid: string,
    details: Details,
    status: number,
    extra: { username?: string; error?: string } = {},
    retryAfter?: number,
  ): Promise<InteractionReply> {
    const html = loginPage({
      action: `/interaction/${uid}/login`,
      csrf: this.csrf.issue(uid),
      client: await this.client(details),
      devHint: this.config.devUsers,
      upstreams: (await this.upstreams.all()).map((idp) => ({
        action: `/interaction/${uid}/federation/${idp.slug}`,
        displayName: idp.displayName,
      })),
      ...extra,
    });
    return pageReply(status, html, retryAfter);
  }

  private async client(details: Details): Promise<ClientView> {
    const clientId = param(details, 'client_id');
    const client = await this.provider.Client.find(clientId);
    return clientView(
      {
        clientId,
        clientName: client?.clientName,
        redirectUri: param(details, 'redirect_uri'),
      },
      this.configuredClients.ids,
    );
  }

  private async finish(
    { req, res }: InteractionExchange,
    result: InteractionResults,
  ): Promise<InteractionReply> {
    const location = await this.provider.interactionResult(req, res, result, {
      mergeWithLastSubmission: false,
    });
    return { kind: 'redirect', location };
  }
}

/** oidc-provider has already checked these parameters; they are strings when present. */
function param(details: Details, name: 'client_id' | 'redirect_uri'): string {
  const value = details.params[name];
  return typeof value === 'string' ? value : '';
}
