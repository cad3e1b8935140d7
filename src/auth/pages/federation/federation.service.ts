import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { AuditLog } from '../../audit/audit-log';
import { AccountLinking } from '../../federation/account-linking';
import { FederationError } from '../../federation/federation.error';
import {
  FederationRecords,
  hashBinding,
  PENDING_TTL_SECONDS,
} from '../../federation/federation-records';
import { UpstreamClient } from '../../federation/upstream-client';
import { UpstreamDirectory } from '../../federation/upstream-directory';
import { upstreamIdentity } from '../../federation/upstream-identity';
import type { UpstreamIdp } from '../../federation/upstream-idp';
import { pageReply, type InteractionReply } from '../interaction-reply';
import { federationErrorPage, federationStatus } from './federation-views';

export const FEDERATION_CALLBACK_PATH = '/federation/callback';
/** Binds the upstream's answer to the browser that asked (RFC 9700 §4.7, CSRF on the callback). */
const BINDING_COOKIE = 'federation.binding';

export interface FederationExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ip: string;
}

/**
 * Sign-in through an upstream OpenID provider, as one step of an oidc-provider interaction:
 * start sends the browser to the upstream, callback checks the answer, links the account and
 * finishes the interaction's login. Every failure is a page with a retry and an audit event.
 */
export class FederationService {
  constructor(
    private readonly provider: Provider,
    private readonly directory: UpstreamDirectory,
    private readonly upstream: UpstreamClient,
    private readonly records: FederationRecords,
    private readonly linking: AccountLinking,
    private readonly audit: AuditLog,
    private readonly secureCookies: boolean,
  ) {}

  /** `idp` already chosen (button, login_hint or typed email domain) for interaction `uid`. */
  async start(
    uid: string,
    clientId: string,
    idp: UpstreamIdp,
    loginHint: string | undefined,
    exchange: FederationExchange,
  ): Promise<InteractionReply> {
    try {
      const started = await this.upstream.start(idp, loginHint);
      const binding = randomBytes(32).toString('base64url');
      await this.records.savePending(started.state, {
        uid,
        slug: idp.slug,
        nonce: started.nonce,
        codeVerifier: started.codeVerifier,
        bindingHash: hashBinding(binding),
        clientId,
      });
      exchange.res.setHeader('set-cookie', this.bindingCookie(binding, PENDING_TTL_SECONDS));
      return { kind: 'redirect', location: started.url };
    } catch (error) {
      return this.refused(error, idp.slug, uid, exchange);
    }
  }

  async startBySlug(
    uid: string,
    clientId: string,
    slug: string,
    exchange: FederationExchange,
  ): Promise<InteractionReply> {
    const idp = await this.directory.find(slug);
    if (!idp) {
      const error = new FederationError('unknown_idp', 'That identity provider is not set up.');
      return this.refused(error, slug, uid, exchange);
    }
    return this.start(uid, clientId, idp, undefined, exchange);
  }

  async callback(url: URL, exchange: FederationExchange): Promise<InteractionReply> {
    let slug: string | undefined;
    let uid: string | undefined;
    try {
      const state = url.searchParams.get('state') ?? '';
      const pending = state.length <= 256 ? await this.records.takePending(state) : undefined;
      if (!pending)
        throw new FederationError(
          'state_unknown',
          'This answer is unknown, expired or was used already.',
        );
      ({ slug, uid } = pending);
      this.checkBinding(exchange.req, pending.bindingHash);
      exchange.res.setHeader('set-cookie', this.bindingCookie('', 0));
      const interaction = await this.provider.Interaction.find(pending.uid);
      if (!interaction) throw new FederationError('interaction_gone', 'This sign-in has expired.');
      const idp = await this.directory.find(pending.slug);
      if (!idp) throw new FederationError('unknown_idp', 'That identity provider is not set up.');
      const claims = await this.upstream.finish(idp, url, { ...pending, state });
      const who = upstreamIdentity(idp, claims);
      const { userSub, outcome } = await this.linking.resolve(idp, who);
      await this.records.saveSignIn(userSub, {
        slug: idp.slug,
        displayName: idp.displayName,
        claims: who.ruleClaims,
      });
      // RFC 8176 §2: `fed`, authenticated through a federated identity provider.
      interaction.result = { login: { accountId: userSub, amr: ['fed'] } };
      await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
      this.audit.federationSucceeded({
        idp: idp.slug,
        upstreamSubject: who.subject,
        subject: userSub,
        link: outcome,
        address: exchange.ip,
      });
      return { kind: 'redirect', location: interaction.returnTo };
    } catch (error) {
      return this.refused(error, slug, uid, exchange);
    }
  }

  private checkBinding(req: IncomingMessage, expectedHash: string): void {
    const sent = cookieValue(req.headers.cookie, BINDING_COOKIE) ?? '';
    const actual = Buffer.from(hashBinding(sent));
    const expected = Buffer.from(expectedHash);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      throw new FederationError('other_browser', 'This answer belongs to another browser.');
  }

  /**
   * SameSite=Lax: the upstream sends the browser back with a top-level GET from its own site,
   * on which Lax cookies are sent and Strict ones are not.
   */
  private bindingCookie(value: string, maxAge: number): string {
    const secure = this.secureCookies ? '; Secure' : '';
    return `${BINDING_COOKIE}=${value}; Path=${FEDERATION_CALLBACK_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
  }

  private refused(
    error: unknown,
    slug: string | undefined,
    uid: string | undefined,
    exchange: FederationExchange,
  ): InteractionReply {
    if (!(error instanceof FederationError)) throw error;
    this.audit.federationFailed({ idp: slug, reason: error.code, address: exchange.ip });
    const retry = uid && error.code !== 'interaction_gone' ? `/interaction/${uid}` : undefined;
    return pageReply(federationStatus(error.code), federationErrorPage(error.message, retry));
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
