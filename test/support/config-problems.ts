import { ConfigError, loadConfig } from '../../src/config/config';

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
export function configProblems(
  env: Readonly<Record<string, string | undefined>>,
): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
