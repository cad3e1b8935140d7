import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestSystem, TestSystem } from './support/system';

interface LogLine {
  readonly level: number;
  readonly msg?: string;
}

const INFO = 30;

/** What a new user sees on the terminal at the default level (LOG_LEVEL=info). */
describe('start-up output at the default log level', () => {
  let sys: TestSystem;
  let logged = '';
  const lines = (): LogLine[] =>
    logged
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    sys = await startTestSystem({ logger: pino({ level: 'info' }, sink) });
    await fetch(`${sys.urls.api}/WeatherForecast`);
    await fetch(`${sys.urls.issuer}/.well-known/openid-configuration`);
    await fetch(`${sys.urls.mcp}/health`);
  });
  afterAll(() => sys?.close());

  it('logs one banner naming the SPA, the development user, Swagger UI and the MCP URL', () => {
    const banners = lines().filter((line) => line.msg?.startsWith('ready:'));

    expect(banners).toHaveLength(1);
    expect(banners[0]!.level).toBe(INFO);
    expect(banners[0]!.msg).toBe(
      `ready: open ${sys.urls.spa} · sign in as alice / alice · ` +
        `Swagger UI ${sys.urls.api}/swagger · MCP ${sys.urls.mcp}/mcp · issuer ${sys.urls.issuer}`,
    );
  });

  it('logs no per-request lines and no route mapping at info', () => {
    const messages = lines().map((line) => line.msg ?? '');

    expect(messages).not.toContain('incoming request');
    expect(messages).not.toContain('request completed');
    expect(messages.filter((msg) => /Mapped \{|route|dependencies initialized/.test(msg))).toEqual(
      [],
    );
    // What is left fits on a terminal: facts about the start, one line each.
    const known = /^(users loaded|SPA not built|(auth|api|mcp|spa) listening on |ready: )/;
    expect(messages.filter((msg) => !known.test(msg))).toEqual([]);
    expect(messages.filter((msg) => msg.includes(' listening on '))).toHaveLength(4);
  });

  it('does not promise the development user when none is loaded', async () => {
    let quiet = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        quiet += chunk.toString();
        done();
      },
    });
    const other = await startTestSystem({
      env: { ROLES: 'auth,spa', DEV_USERS: 'false' },
      logger: pino({ level: 'info' }, sink),
    });
    await other.close();

    expect(quiet).toContain('ready: open');
    expect(quiet).not.toContain('alice');
  });
});

describe('ROLES=spa', () => {
  it('opens no store: no database file is created and the system holds none', async () => {
    const sys = await startTestSystem({ env: { ROLES: 'spa' } });
    try {
      expect(sys.system.store).toBeUndefined();
      expect(existsSync(sys.env.SQLITE_PATH!)).toBe(false);
      expect((await fetch(`${sys.urls.spa}/health`)).status).toBe(200);
    } finally {
      await sys.close();
    }
  });
});
