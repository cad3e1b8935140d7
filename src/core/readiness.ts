import type { Logger } from 'pino';

/** A readiness check failed for a reason that may be shown on the public /ready answer. */
export class NotReady extends Error {
  override readonly name = 'NotReady';
  readonly code = 'ERR_NOT_READY';
}

/** Resolves when the dependency answers; throws NotReady (or anything, logged) when not. */
export type ReadinessCheck = () => Promise<void> | void;

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const CHECK_TIMEOUT_MS = 2_000;

/**
 * What one role must have before it can serve: each role registers the dependencies it uses
 * (the store, the issuer's keys) and /ready runs them all at once, each bounded by a timeout,
 * so a probe never hangs on a dependency that does not answer.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = CHECK_TIMEOUT_MS,
  ) {}

  add(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} registered twice`);
    this.checks.set(name, check);
  }

  async run(): Promise<Record<string, CheckResult>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.runOne(name, check)]),
    );
    return Object.fromEntries(entries) as Record<string, CheckResult>;
  }

  private async runOne(name: string, check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new NotReady(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.resolve().then(check), timeout]);
      return { ok: true };
    } catch (error) {
      this.logger.warn({ err: error, check: name }, 'readiness check failed');
      // Other errors may carry internal addresses or driver text: the log has them.
      return { ok: false, reason: error instanceof NotReady ? error.message : 'check failed' };
    } finally {
      clearTimeout(timer);
    }
  }
}
