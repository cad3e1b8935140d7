import pino from 'pino';
import type { Role } from '../../src/config/config';
import { loadConfig } from '../../src/config/config';
import { Lifecycle } from '../../src/core/lifecycle';
import { Metrics } from '../../src/core/metrics/metrics';
import { Readiness } from '../../src/core/readiness';
import type { RoleContext } from '../../src/core/role-context';

/** A role's context as the bootstrapper builds one, on default config, logging nothing. */
export function testRoleContext(role: Role = 'api'): RoleContext {
  const logger = pino({ level: 'silent' });
  return {
    role,
    shared: loadConfig({}).shared,
    trustProxy: false,
    logger,
    lifecycle: new Lifecycle(),
    metrics: new Metrics(),
    readiness: new Readiness(logger),
  };
}
