import type { Logger } from 'pino';

/**
 * Security events, one JSON line each, on a child logger named `audit` so they can be routed
 * and kept apart from request logs: a record of sign-ins, consents, registrations and
 * revocations to investigate an account takeover with. Events carry who, which client, from
 * where and what happened: never a password, token, code, secret or CSRF value. Each method
 * takes only the fields its event may hold, so a secret has no parameter to arrive through.
 */
export type AuditEvent =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'sign_in.locked_out'
  | 'consent.granted'
  | 'consent.denied'
  | 'client.registered'
  | 'token.exchanged'
  | 'token.revoked'
  | 'grant.revoked_by_user'
  | 'signing_key.used'
  | 'federation.succeeded'
  | 'federation.failed'
  | 'workload.token_issued'
  | 'workload.assertion_refused'
  | 'id_jag.issued'
  | 'id_jag.accepted'
  | 'connection.connected'
  | 'connection.disconnected'
  | 'connection.refresh_refused';

/** disabled: the right password for a disabled user (the page says wrong_credentials). */
export type SignInFailure = 'wrong_credentials' | 'disabled' | 'throttled';

/** Whose sign-in: the name as typed (capped at 256 characters before it gets here). */
export interface SignInSubject {
  readonly username: string;
  readonly clientId: string;
  readonly address: string;
}

export interface ConsentSubject {
  readonly subject: string;
  readonly clientId: string;
}

/** A user's connected account: whose (`subject`), at which upstream provider. */
export interface ConnectionSubject {
  readonly subject: string;
  readonly provider: string;
}

export class AuditLog {
  private readonly logger: Logger;

  constructor(root: Logger) {
    this.logger = root.child({ name: 'audit' });
  }

  signInSucceeded(who: SignInSubject & { readonly subject: string }): void {
    this.emit('sign_in.succeeded', { ...who });
  }

  signInFailed(who: SignInSubject, reason: SignInFailure): void {
    this.emit('sign_in.failed', { ...who, reason }, 'warn');
  }

  /** A username/address pair has just used up its attempts and must wait. */
  lockedOut(who: SignInSubject, retryAfterSeconds: number): void {
    this.emit('sign_in.locked_out', { ...who, retryAfterSeconds }, 'warn');
  }

  consentGranted(
    who: ConsentSubject & {
      readonly grantId: string;
      readonly scopes: readonly string[];
      readonly resources: readonly string[];
    },
  ): void {
    this.emit('consent.granted', {
      ...who,
      scopes: [...who.scopes],
      resources: [...who.resources],
    });
  }

  consentDenied(who: ConsentSubject): void {
    this.emit('consent.denied', { ...who });
  }

  /** For dynamic client registration (RFC 7591): the new client and where it sends codes. */
  clientRegistered(client: {
    readonly clientId: string;
    readonly clientName?: string;
    readonly redirectHosts: readonly string[];
    readonly grantTypes: readonly string[];
    readonly address?: string;
  }): void {
    this.emit('client.registered', {
      ...client,
      redirectHosts: [...client.redirectHosts],
      grantTypes: [...client.grantTypes],
    });
  }

  /** For RFC 8693 token exchange: who exchanged whose token for which audience. */
  tokenExchanged(exchange: {
    readonly clientId: string;
    readonly subject: string;
    readonly audience: string;
    readonly scopes: readonly string[];
  }): void {
    this.emit('token.exchanged', { ...exchange, scopes: [...exchange.scopes] });
  }

  /** For revocation (RFC 7009) and grant revocation: what was revoked, never the token itself. */
  tokenRevoked(revocation: {
    readonly clientId?: string;
    readonly kind: 'access_token' | 'refresh_token' | 'grant';
    // No token id: an opaque oidc-provider token's id is the token itself.
    readonly grantId?: string;
  }): void {
    this.emit('token.revoked', { ...revocation });
  }

  /** The user revoked an app's access on the account page: its grant and tokens ended. */
  grantRevokedByUser(who: ConsentSubject & { readonly grantId: string }): void {
    this.emit('grant.revoked_by_user', { ...who });
  }

  /** For signing keys: which key id signed or was rotated, never key material. */
  signingKeyUsed(use: {
    readonly kid: string;
    readonly purpose: 'sign' | 'rotate' | 'retire';
  }): void {
    this.emit('signing_key.used', { ...use });
  }

  /** A sign-in through an upstream IdP: which upstream, which upstream subject, which user. */
  federationSucceeded(who: {
    readonly idp: string;
    readonly upstreamSubject: string;
    readonly subject: string;
    readonly link: 'existing' | 'linked_by_email' | 'provisioned';
    readonly address: string;
  }): void {
    this.emit('federation.succeeded', { ...who });
  }

  /** Why an upstream sign-in stopped (a FederationError code); never the code or the tokens. */
  federationFailed(who: {
    readonly idp: string | undefined;
    readonly reason: string;
    readonly address: string;
  }): void {
    this.emit('federation.failed', { ...who }, 'warn');
  }

  /** SEP-1933: a workload's assertion bought an access token; `subject` is its `sub` there. */
  workloadTokenIssued(issued: {
    readonly issuer: string;
    readonly subject: string;
    readonly clientId: string;
    readonly resource: string;
    readonly scopes: readonly string[];
  }): void {
    this.emit('workload.token_issued', { ...issued, scopes: [...issued.scopes] });
  }

  /**
   * A workload assertion refused, with a stable reason code. The issuer only once it is one we
   * trust: an untrusted `iss` is whatever the sender chose to write.
   */
  workloadAssertionRefused(refusal: { readonly issuer?: string; readonly reason: string }): void {
    this.emit('workload.assertion_refused', { ...refusal }, 'warn');
  }

  /** SEP-990 at the identity provider: an ID-JAG for this user, client and other server. */
  idJagIssued(issued: {
    readonly subject: string;
    readonly audience: string;
    readonly clientId: string;
  }): void {
    this.emit('id_jag.issued', { ...issued });
  }

  /** SEP-990 here: another IdP's ID-JAG for `upstreamSubject` became a token for `subject`. */
  idJagAccepted(accepted: {
    readonly issuer: string;
    readonly upstreamSubject: string;
    readonly subject: string;
    readonly clientId: string;
    readonly resource: string;
    readonly scopes: readonly string[];
  }): void {
    this.emit('id_jag.accepted', { ...accepted, scopes: [...accepted.scopes] });
  }

  connectionConnected(who: ConnectionSubject): void {
    this.emit('connection.connected', { ...who });
  }

  connectionDisconnected(who: ConnectionSubject): void {
    this.emit('connection.disconnected', { ...who });
  }

  /** The upstream refused to refresh (its grant is gone): the connection was removed here. */
  connectionRefreshRefused(who: ConnectionSubject): void {
    this.emit('connection.refresh_refused', { ...who }, 'warn');
  }

  private emit(
    event: AuditEvent,
    fields: Record<string, unknown>,
    level: 'info' | 'warn' = 'info',
  ) {
    this.logger[level]({ event, ...fields }, event);
  }
}
