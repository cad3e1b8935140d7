import { describe, expect, it } from 'vitest';
import { mcpHeaderValue } from './header-value';

const decoded = (value: string) =>
  new TextDecoder().decode(
    Uint8Array.from(atob(value.slice('=?base64?'.length, -'?='.length)), (c) => c.charCodeAt(0)),
  );

describe('mcpHeaderValue', () => {
  it('sends plain printable ASCII as is', () => {
    expect(mcpHeaderValue('get-weather-forecast')).toBe('get-weather-forecast');
    expect(mcpHeaderValue('a b\tc')).toBe('a b\tc');
  });

  it.each(['météo', ' padded', 'trailing ', '', 'line\nbreak', '=?base64?abc?='])(
    'encodes %j as base64 of its UTF-8, so it reads back unchanged',
    (text) => {
      const value = mcpHeaderValue(text);
      expect(value).toMatch(/^=\?base64\?[A-Za-z0-9+/]*={0,2}\?=$/);
      expect(decoded(value)).toBe(text);
    },
  );
});
