import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { Role } from '../config/config';
import { ROLE } from './health.controller';
import { Lifecycle } from './lifecycle';
import { CheckResult, Readiness } from './readiness';

export interface ReadyReport {
  readonly status: 'ready' | 'not_ready' | 'draining';
  readonly role: Role;
  readonly checks: Record<string, CheckResult>;
}

/**
 * Readiness, apart from liveness (/health): whether this role can serve now. 200 when every
 * check passes, 503 naming each check's result otherwise, and 503 while the process drains.
 */
@Controller('ready')
export class ReadyController {
  constructor(
    @Inject(ROLE) private readonly role: Role,
    private readonly lifecycle: Lifecycle,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  async check(): Promise<ReadyReport> {
    if (this.lifecycle.draining) {
      throw new ServiceUnavailableException({ status: 'draining', role: this.role, checks: {} });
    }
    const checks = await this.readiness.run();
    const allOk = Object.values(checks).every((result) => result.ok);
    const report: ReadyReport = { status: allOk ? 'ready' : 'not_ready', role: this.role, checks };
    if (!allOk) throw new ServiceUnavailableException(report);
    return report;
  }
}
