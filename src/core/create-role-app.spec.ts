import { Controller, Get, Ip, Logger, Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino, { type Logger as PinoLogger } from 'pino';
import type { Role } from '../config/config';
import { loadConfig } from '../config/config';
import { Lifecycle } from './lifecycle';
import { createRoleApp } from './create-role-app';
import { Metrics } from './metrics/metrics';
import { Readiness } from './readiness';

@Controller('ip')
class IpController {
  @Get()
  ip(@Ip() ip: string): { ip: string } {
    return { ip };
  }
}

@Module({ controllers: [IpController] })
class IpModule {}

/** Logs as a library does: through Nest's process-wide Logger, with no role of its own. */
@Controller('log')
class LogController {
  private readonly logger = new Logger('Library');

  @Get()
  log(): { logged: true } {
    this.logger.warn('served');
    return { logged: true };
  }
}

@Module({ controllers: [IpController, LogController] })
class LogModule {}

interface AppOptions {
  readonly role?: Role;
  readonly logger?: PinoLogger;
  readonly module?: DynamicModule['module'];
}

/** A role app built as the system builds one, with TRUST_PROXY as an operator would set it. */
async function appWith(
  env: Record<string, string>,
  { role = 'api', logger = pino({ level: 'silent' }), module = IpModule }: AppOptions = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(env);
  const app = await createRoleApp({ module } satisfies DynamicModule, {
    role,
    shared: config.shared,
    trustProxy: config.http.trustProxy,
    lifecycle: new Lifecycle(),
    logger,
    metrics: new Metrics(),
    readiness: new Readiness(logger),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

async function ipSeenBy(app: NestFastifyApplication, forwardedFor?: string): Promise<string> {
  const response = await fetch(`${await app.getUrl()}/ip`, {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
  return ((await response.json()) as { ip: string }).ip;
}

describe('createRoleApp and TRUST_PROXY', () => {
  const apps: NestFastifyApplication[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await appWith(env);
    apps.push(app);
    return app;
  };
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('ignores X-Forwarded-For when TRUST_PROXY is unset: the client cannot choose its address', async () => {
    const app = await start({});

    expect(await ipSeenBy(app)).toBe('127.0.0.1');
    expect(await ipSeenBy(app, '203.0.113.9')).toBe('127.0.0.1');
    expect(await ipSeenBy(app, '203.0.113.9, 198.51.100.7')).toBe('127.0.0.1');
  });

  it('takes the right-most entry with TRUST_PROXY=1: the one our proxy added', async () => {
    const app = await start({ TRUST_PROXY: '1' });

    expect(await ipSeenBy(app, '198.51.100.7')).toBe('198.51.100.7');
    // The client wrote the left entry; the proxy (our peer) appended the real address.
    expect(await ipSeenBy(app, '203.0.113.9, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('trusts only the listed proxies: a peer outside the list is the client', async () => {
    const trusted = await start({ TRUST_PROXY: '127.0.0.0/8' });
    const untrusted = await start({ TRUST_PROXY: '10.0.0.0/8' });

    expect(await ipSeenBy(trusted, '203.0.113.9, 198.51.100.7')).toBe('198.51.100.7');
    expect(await ipSeenBy(untrusted, '203.0.113.9, 198.51.100.7')).toBe('127.0.0.1');
  });
});

describe('createRoleApp and logging', () => {
  it("logs a request's Nest Logger lines as the role serving it, not the role created last", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const mcp = await appWith({}, { role: 'mcp', logger, module: LogModule });
    const spa = await appWith({}, { role: 'spa', logger, module: LogModule });
    try {
      await fetch(`${await mcp.getUrl()}/log`);
      await fetch(`${await spa.getUrl()}/log`);
    } finally {
      await Promise.all([mcp.close(), spa.close()]);
    }

    const served = lines.filter((line) => line.msg === 'served');
    expect(served.map((line) => [line.context, line.role])).toEqual([
      ['Library', 'mcp'],
      ['Library', 'spa'],
    ]);
  });
});
