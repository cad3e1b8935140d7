import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../../src/config/config';
import { RunningSystem, startSystem } from '../../src/bootstrap/system';
import type { Logger } from 'pino';
import { onFreePorts } from './ports';

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

export interface RolePorts {
  readonly auth: number;
  readonly api: number;
  readonly mcp: number;
  readonly spa: number;
}

export interface TestSystemOptions {
  /** Extra environment (ROLES, DATABASE_URL, ...), or one built from the chosen ports. */
  readonly env?: Record<string, string> | ((ports: RolePorts) => Record<string, string>);
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
 * Boots the real system on free loopback ports with its own SQLite file, on new ports when one
 * was taken before the system bound it. URLs use `localhost` like the contract's defaults, so
 * issuer and redirect URIs look as they do for a user.
 */
export function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  if (options.reuse) return bootTestSystem(options.reuse.env, {}, options);
  return onFreePorts(4, ([auth, api, mcp, spa]) => {
    const ports: RolePorts = { auth: auth!, api: api!, mcp: mcp!, spa: spa! };
    const dir = mkdtempSync(join(tmpdir(), 'api-mcp-auth-'));
    const env = {
      NODE_ENV: 'test',
      // Loopback in every mode, production included (whose default is every interface).
      HOST: '127.0.0.1',
      ISSUER_URL: `http://localhost:${auth}`,
      API_BASE_URL: `http://localhost:${api}`,
      MCP_BASE_URL: `http://localhost:${mcp}`,
      SPA_URL: `http://localhost:${spa}`,
      SQLITE_PATH: join(dir, 'auth.sqlite'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    };
    const extra = typeof options.env === 'function' ? options.env(ports) : options.env;
    return bootTestSystem(env, extra ?? {}, options);
  });
}

async function bootTestSystem(
  env: Record<string, string>,
  extra: Record<string, string>,
  options: TestSystemOptions,
): Promise<TestSystem> {
  const fullEnv = { ...env, ...extra };
  // The temporary folder of this system's SQLite file (made even when DATABASE_URL is set).
  const dataDir = join(env.SQLITE_PATH!, '..');
  let config: AppConfig;
  let system: RunningSystem;
  try {
    config = loadConfig(fullEnv);
    system = await startSystem(config, options.logger, { fetch: options.fetch });
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
