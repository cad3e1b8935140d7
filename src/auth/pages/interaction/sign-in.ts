import { Metrics } from '../../../core/metrics/metrics';
import { AuditLog, type SignInSubject } from '../../audit/audit-log';
import { UserDirectory } from '../../users/users';
import { LoginThrottle } from './login-throttle';

export type SignInResult =
  | { readonly kind: 'signed_in'; readonly subject: string }
  | { readonly kind: 'wrong_credentials' }
  | { readonly kind: 'throttled'; readonly retryAfter: number };

/**
 * One sign-in attempt: the throttle counts it first (atomically, so a parallel burst cannot all
 * reach scrypt, and a locked pair never does), then the password, then the audit log and the
 * sign-in counter (by outcome only: who tried is the audit log's, never a metric label).
 * Lengths are already capped by the form parser.
 */
export class SignIn {
  constructor(
    private readonly users: UserDirectory,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
  ) {}

  async attempt(who: SignInSubject, password: string): Promise<SignInResult> {
    const verdict = await this.throttle.attempt(who.username, who.address);
    if (verdict.retryAfter > 0) {
      this.audit.signInFailed(who, 'throttled');
      this.metrics.signIn('throttled');
      return { kind: 'throttled', retryAfter: verdict.retryAfter };
    }
    const result = await this.users.authenticate(who.username, password);
    if (result.kind !== 'authenticated') {
      this.audit.signInFailed(who, result.kind);
      if (verdict.lockIfFails > 0) this.audit.lockedOut(who, verdict.lockIfFails);
      // The counter counts what the page answered; why is the audit log's.
      this.metrics.signIn('wrong_credentials');
      return { kind: 'wrong_credentials' };
    }
    const { sub } = result.claims;
    await this.throttle.succeeded(who.username, who.address);
    this.audit.signInSucceeded({ ...who, subject: sub });
    this.metrics.signIn('success');
    return { kind: 'signed_in', subject: sub };
  }
}
