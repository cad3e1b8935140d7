import { RegistrationThrottle } from './registration-throttle';

describe('RegistrationThrottle', () => {
  let now = 0;
  const throttle = () => new RegistrationThrottle(3, 60_000, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows the limit per address, then answers how long to wait', () => {
    const limiter = throttle();
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    now += 15_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('starts a new window once the old one has passed', () => {
    const limiter = throttle();
    for (let i = 0; i < 4; i++) limiter.take('a');
    now += 60_000;
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('never asks to wait less than a second', () => {
    const limiter = throttle();
    for (let i = 0; i < 3; i++) limiter.take('a');
    now += 59_999;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
