import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { Role } from '../config/config';
import { Lifecycle } from './lifecycle';

export const ROLE = Symbol('ROLE');

@Controller('health')
export class HealthController {
  constructor(
    @Inject(ROLE) private readonly role: Role,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** Liveness; 503 while the process drains before it stops, so no new work is routed here. */
  @Get()
  check(): { status: 'ok'; role: Role } {
    if (this.lifecycle.draining)
      throw new ServiceUnavailableException({ status: 'draining', role: this.role });
    return { status: 'ok', role: this.role };
  }
}
