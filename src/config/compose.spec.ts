import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { load as parseYaml } from 'js-yaml';
import { loadConfig, ROLES, type Role } from './config';

const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  readonly environment?: Record<string, string | number | boolean>;
  readonly ports?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] };
}

interface ComposeFile {
  readonly services: Record<string, ComposeService>;
}

// js-yaml's default schema resolves the file's anchors and `<<` merge keys, as compose does.
const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const envFile = parseEnv(readFileSync(join(ROOT, 'compose.env.example'), 'utf8'));

/** A service's environment as compose hands it over: `environment` wins over `env_file`. */
function environmentOf(service: ComposeService): Record<string, string | undefined> {
  const own = Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)] as const);
  return { ...envFile, ...Object.fromEntries(own) };
}

describe('docker-compose.yml with compose.env.example', () => {
  it('has one service per role', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...ROLES, 'postgres'].sort());
  });

  describe.each(ROLES)('the %s service', (role: Role) => {
    const service = compose.services[role] ?? {};
    const env = environmentOf(service);

    it('is a configuration production mode accepts, for this role alone, on PostgreSQL', () => {
      const config = loadConfig(env);
      expect(config.shared.production).toBe(true);
      expect([...config.roles]).toEqual([role]);
      expect(config.storage.kind).toBe('postgres');
      expect(config.auth.devUsers).toBe(false);
    });

    it('publishes and health-checks the port the role listens on', () => {
      const port = loadConfig(env).http.ports[role];
      expect(service.ports?.map((mapping) => mapping.split(':').at(-1))).toEqual([String(port)]);
      // The health command reads HEALTH_PORT; unset, it would ask port "undefined" forever.
      expect(env.HEALTH_PORT).toBe(String(port));
      expect(service.healthcheck?.test.join(' ')).toContain('process.env.HEALTH_PORT');
    });
  });
});
