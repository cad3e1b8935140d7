import { Controller, Get, Inject } from '@nestjs/common';
import type { Role } from '../config/config';

export const ROLE = Symbol('ROLE');

@Controller('health')
export class HealthController {
  constructor(@Inject(ROLE) private readonly role: Role) {}

  @Get()
  check(): { status: 'ok'; role: Role } {
    return { status: 'ok', role: this.role };
  }
}
