import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { load as parseYaml } from 'js-yaml';
import { configProblems } from '../../test/support/config-problems';
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
const shipped = parseEnv(readFileSync(join(ROOT, 'compose.env.example'), 'utf8'));

const random = () => randomBytes(32).toString('base64url');
const databasePassword = random();

/**
 * compose.env as an operator fills it in, following the example's first line: every
 * placeholder replaced by a random value, the database password in both places it stands.
 */
const filledIn: Record<string, string | undefined> = {
  ...shipped,
  POSTGRES_PASSWORD: databasePassword,
  DATABASE_URL: shipped.DATABASE_URL?.replace(':change-me@', `:${databasePassword}@`),
  MCPCLIENT_SECRET: random(),
  M2M_CLIENT_SECRET: random(),
  MCP_SERVER_CLIENT_SECRET: random(),
  COOKIE_KEYS: `${random()},${random()}`,
};

/** A service's environment as compose hands it over: `environment` wins over `env_file`. */
function environmentOf(
  service: ComposeService,
  envFile: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const own = Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)] as const);
  return { ...envFile, ...Object.fromEntries(own) };
}

/** The variables loadConfig names in its refusal of `env`; [] when it accepts it. */
const refusedVariables = (env: Record<string, string | undefined>): string[] =>
  configProblems(env)
    .map((problem) => problem.split(' ')[0]!)
    .sort();

describe('docker-compose.yml with compose.env.example', () => {
  it('has one service per role', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...ROLES, 'postgres'].sort());
  });

  it('is filled in here by replacing exactly its placeholders', () => {
    expect(Object.values(filledIn).join('\n')).not.toMatch(/change-?me/i);
    const replaced = Object.keys(shipped).filter((key) => shipped[key] !== filledIn[key]);
    expect(replaced.sort()).toEqual(
      Object.keys(shipped)
        .filter((key) => /change-?me/i.test(shipped[key] ?? ''))
        .sort(),
    );
  });

  describe.each(ROLES)('the %s service', (role: Role) => {
    const service = compose.services[role] ?? {};
    const env = environmentOf(service, filledIn);

    it('as shipped, is refused by production mode, naming every placeholder still in it', () => {
      // POSTGRES_PASSWORD is PostgreSQL's, not ours: the server meets it inside DATABASE_URL.
      expect(refusedVariables(environmentOf(service, shipped))).toEqual(
        [
          'COOKIE_KEYS',
          'DATABASE_URL',
          'M2M_CLIENT_SECRET',
          'MCPCLIENT_SECRET',
          'MCP_SERVER_CLIENT_SECRET',
        ].sort(),
      );
    });

    it('filled in, is a configuration production mode accepts, for this role alone, on PostgreSQL', () => {
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
