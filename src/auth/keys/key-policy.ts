import type { AuthConfig } from '../../config/config';
import { KeyPolicy } from './keyset';

const DAY = 24 * 60 * 60;

/** The key lifecycle's timing from configuration. */
export function keyPolicy(config: AuthConfig): KeyPolicy {
  const { activationDelaySeconds, rotationDays } = config.signingKeys;
  return {
    activationDelaySeconds,
    // Every JWT we sign: access tokens (also client credentials), exchanged tokens, ID tokens.
    longestTokenTtlSeconds: Math.max(
      config.accessTokenTtlSeconds,
      config.exchangedTokenTtlSeconds,
      config.idTokenTtlSeconds,
    ),
    rotationAgeSeconds: rotationDays === undefined ? undefined : rotationDays * DAY,
  };
}
