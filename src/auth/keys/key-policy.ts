import type { AuthConfig, ProtectedApi } from '../../config/config';
import { longestAccessTokenTtlSeconds } from '../tokens/token-lifetime';
import { KeyPolicy } from './keyset';

const DAY = 24 * 60 * 60;

/** The key lifecycle's timing from configuration. */
export function keyPolicy(config: AuthConfig, apis: readonly ProtectedApi[]): KeyPolicy {
  const { activationDelaySeconds, rotationDays } = config.signingKeys;
  return {
    activationDelaySeconds,
    // Every JWT we sign: access tokens of every resource, exchanged tokens, ID tokens.
    longestTokenTtlSeconds: Math.max(
      longestAccessTokenTtlSeconds({ auth: config, apis }),
      config.idTokenTtlSeconds,
    ),
    rotationAgeSeconds: rotationDays === undefined ? undefined : rotationDays * DAY,
  };
}
