import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './auth-context';

describe('safeReturnPath', () => {
  it('keeps same-origin paths', () => {
    expect(safeReturnPath('/weather?x=1')).toBe('/weather?x=1');
  });

  it('refuses anything that could leave the origin', () => {
    for (const path of [
      undefined,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'weather',
    ]) {
      expect(safeReturnPath(path)).toBe('/');
    }
  });
});
