import { describe, expect, it } from 'vitest';
import { describeExpiry, formatDuration } from './countdown';

describe('countdown', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(5)).toBe('5 s');
    expect(formatDuration(65)).toBe('1 min 05 s');
    expect(formatDuration(3600 + 61)).toBe('1 h 01 min 01 s');
  });

  it('counts down to exp and then reports how long ago it expired', () => {
    expect(describeExpiry(1000, 700_000)).toEqual({
      text: 'expires in 5 min 00 s',
      expired: false,
    });
    expect(describeExpiry(1000, 999_500)).toEqual({ text: 'expires in 0 s', expired: false });
    expect(describeExpiry(1000, 1_012_000)).toEqual({ text: 'expired 12 s ago', expired: true });
  });
});
