import { onEveryEngine } from '../../../test/support/auth-stores';
import { RegistrationThrottle } from './registration-throttle';

const at = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(ms);

describe('RegistrationThrottle', () => {
  onEveryEngine((open) => {
    const start = 1_800_000_000_000;

    it('allows the limit per address, then answers how long to wait', async () => {
      const limiter = new RegistrationThrottle(await open(), 3, 60);
      at(start);
      const first = [];
      for (let i = 0; i < 3; i++) first.push((await limiter.take('a')).allowed);
      expect(first).toEqual([true, true, true]);
      at(start + 15_000);
      expect(await limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 45 });
      expect((await limiter.take('b')).allowed).toBe(true);
    });

    it('starts a new window once the old one has passed, and never asks for less than a second', async () => {
      const limiter = new RegistrationThrottle(await open(), 3, 60);
      at(start);
      for (let i = 0; i < 3; i++) await limiter.take('a');
      at(start + 59_999);
      expect(await limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
      at(start + 60_000);
      expect((await limiter.take('a')).allowed).toBe(true);
    });

    it('holds across replicas: parallel registrations at two connections pass exactly the limit', async () => {
      const replicas = [
        new RegistrationThrottle(await open(), 20, 60),
        new RegistrationThrottle(await open(), 20, 60),
      ];
      const verdicts = await Promise.all(
        Array.from({ length: 30 }, (_, i) => replicas[i % 2]!.take('198.51.100.7')),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(20);
    });
  });
});
