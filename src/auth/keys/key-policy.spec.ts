import { loadConfig } from '../../config/config';
import { keyPolicy } from './key-policy';

describe('keyPolicy', () => {
  const config = loadConfig({});
  const DAY = 86_400;

  it('keeps a superseded key until the longest token of any configured API has expired', () => {
    const apis = config.shared.apis.map((api) => ({ ...api, tokenTtlSeconds: DAY }));
    expect(config.auth.accessTokenTtlSeconds).toBeLessThan(DAY);

    expect(keyPolicy(config.auth, apis).longestTokenTtlSeconds).toBe(DAY);
  });

  it('keeps it until the last ID token has expired when those live longest', () => {
    const auth = { ...config.auth, idTokenTtlSeconds: 2 * DAY };

    expect(keyPolicy(auth, config.shared.apis).longestTokenTtlSeconds).toBe(2 * DAY);
  });
});
