import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../../src/config/config';
import { RunningSystem, startSystem } from '../../src/bootstrap/system';
import type { Logger } from 'pino';
import { freePort } from './ports';

export interface TestUrls {
  readonly issuer: string;
  readonly api: string;
  readonly mcp: string;
  readonly spa: string;
}

export interface TestSystem {
  readonly urls: TestUrls;
  readonly config: AppConfig;
  readonly system: RunningSystem;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestSystemOptions {
  /** Extra environment (ROLES, DATABASE_URL, ...). */
  readonly env?: Record<string, string>;
  /** Reuse the ports and storage of an earlier system (restart tests). */
  readonly reuse?: TestSystem;
  /** Keep the SQLite directory after close (for restarts). */
  readonly keepData?: boolean;
  /** A logger to capture what the system logs. */
  readonly logger?: Logger;
  /** The AuthServer's outbound fetch (Client ID Metadata Documents). */
  readonly fetch?: typeof fetch;
}

/**
 * Boots the real system on free loopback ports with its own SQLite file. URLs use `localhost`
 * like the contract's defaults, so issuer and redirect URIs look as they do for a user.
 */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const env =
    options.reuse?.env ??
    (await (async () => {
      const [auth, api, mcp, spa] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      const dir = mkdtempSync(join(tmpdir(), 'api-mcp-auth-'));
      return {
        NODE_ENV: 'test',
        ISSUER_URL: `http://localhost:${auth}`,
        API_BASE_URL: `http://localhost:${api}`,
        MCP_BASE_URL: `http://localhost:${mcp}`,
        SPA_URL: `http://localhost:${spa}`,
        SQLITE_PATH: join(dir, 'auth.sqlite'),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      };
    })());
  const fullEnv = { ...env, ...options.env };
  // The temporary folder of this system's SQLite file (made even when DATABASE_URL is set).
  const dataDir = join(env.SQLITE_PATH, '..');
  let config: AppConfig;
  let system: RunningSystem;
  try {
    config = loadConfig(fullEnv);
    system = await startSystem(config, options.logger, options.fetch);
  } catch (error) {
    if (!options.reuse) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const urls: TestUrls = {
    issuer: config.shared.issuer,
    api: config.shared.apiBaseUrl,
    mcp: config.shared.mcpBaseUrl,
    spa: config.shared.spaUrl,
  };
  return {
    urls,
    config,
    system,
    env: fullEnv,
    close: async () => {
      await system.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
