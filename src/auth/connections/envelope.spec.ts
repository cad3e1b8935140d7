import { randomBytes } from 'node:crypto';
import { EnvelopeError, EnvelopeKeys } from './envelope';

const key = () => randomBytes(32);
const context = 'alice\nupstream';

function flip(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof EnvelopeError ? error.code : 'other';
  }
}

describe('EnvelopeKeys', () => {
  it('opens what it sealed, and never seals the same text alike twice', () => {
    const keys = new EnvelopeKeys([key()]);
    const a = keys.seal('refresh-token', context);
    expect(keys.open(a, context)).toBe('refresh-token');
    expect(keys.seal('refresh-token', context)).not.toBe(a);
    expect(a).not.toContain('refresh-token');
  });

  it.each([2, 3, 4, 5])('refuses a value with part %i changed', (part) => {
    const keys = new EnvelopeKeys([key()]);
    expect(codeOf(() => keys.open(flip(keys.seal('t', context), part), context))).toBe('tampered');
  });

  it('refuses a value moved to another user or provider (AAD)', () => {
    const keys = new EnvelopeKeys([key()]);
    const sealed = keys.seal('t', context);
    expect(codeOf(() => keys.open(sealed, 'bob\nupstream'))).toBe('tampered');
  });

  it('refuses malformed values and unknown keys', () => {
    const keys = new EnvelopeKeys([key()]);
    expect(codeOf(() => keys.open('v1.a.b', context))).toBe('malformed');
    expect(codeOf(() => keys.open(`v1.x.${'.'.repeat(3)}`, context))).toBe('unknown_key');
    const other = new EnvelopeKeys([key()]).seal('t', context);
    expect(codeOf(() => keys.open(other, context))).toBe('unknown_key');
  });

  it('rotates: the old key still opens, new values are sealed with the first key', () => {
    const [oldKey, newKey] = [key(), key()];
    const before = new EnvelopeKeys([oldKey]).seal('old', context);
    const rotated = new EnvelopeKeys([newKey, oldKey]);
    expect(rotated.open(before, context)).toBe('old');
    const after = rotated.seal('new', context);
    expect(new EnvelopeKeys([newKey]).open(after, context)).toBe('new');
    expect(codeOf(() => new EnvelopeKeys([oldKey]).open(after, context))).toBe('unknown_key');
  });

  it('parses the configured list and refuses keys of the wrong size', () => {
    const [a, b] = [key(), key()];
    const keys = EnvelopeKeys.parse(`${a.toString('base64url')}, ${b.toString('base64url')}`);
    expect(new EnvelopeKeys([a]).open(keys.seal('x', context), context)).toBe('x');
    expect(() => EnvelopeKeys.parse('c2hvcnQ')).toThrow('32 bytes');
  });
});
