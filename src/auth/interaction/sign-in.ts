import { AuditLog, type SignInSubject } from '../audit/audit-log';
import { UserDirectory } from '../users/users';
import { LoginThrottle } from './login-throttle';

export type SignInResult =
  | { readonly kind: 'signed_in'; readonly subject: string }
  | { readonly kind: 'wrong_credentials' }
  | { readonly kind: 'throttled'; readonly retryAfter: number };

/**
 * One sign-in attempt: the throttle first (a locked pair never reaches scrypt), then the
 * password, then the throttle's record and the audit log. Lengths are already capped by the
 * form parser.
 */
export class SignIn {
  constructor(
    private readonly users: UserDirectory,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
  ) {}

  async attempt(who: SignInSubject, password: string): Promise<SignInResult> {
    const wait = await this.throttle.retryAfter(who.username, who.address);
    if (wait > 0) {
      this.audit.signInFailed(who, 'throttled');
      return { kind: 'throttled', retryAfter: wait };
    }
    const user = await this.users.authenticate(who.username, password);
    if (!user) {
      await this.throttle.failed(who.username, who.address);
      this.audit.signInFailed(who, 'wrong_credentials');
      const lockedFor = await this.throttle.retryAfter(who.username, who.address);
      if (lockedFor > 0) this.audit.lockedOut(who, lockedFor);
      return { kind: 'wrong_credentials' };
    }
    await this.throttle.succeeded(who.username, who.address);
    this.audit.signInSucceeded({ ...who, subject: user.sub });
    return { kind: 'signed_in', subject: user.sub };
  }
}
