import { hashPassword, isPasswordHash, verifyPassword } from './password';

describe('password hashing', () => {
  let hash: string;

  beforeAll(async () => {
    hash = await hashPassword('correct horse');
  });

  /** The stored hash with its `$`-separated part at `index` replaced. */
  const withPart = (index: number, value: string) => {
    const parts = hash.split('$');
    parts[index] = value;
    return parts.join('$');
  };

  it('encodes scheme, parameters, a 16-byte salt and a 32-byte hash', () => {
    expect(hash).toMatch(/^scrypt\$16384\$8\$5\$[\w-]{22}\$[\w-]{43}$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horse ', hash)).toBe(false);
    expect(await verifyPassword('Correct horse', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash differently', async () => {
    const again = await hashPassword('correct horse');

    expect(again.split('$')[4]).not.toBe(hash.split('$')[4]);
    expect(again).not.toBe(hash);
    expect(await verifyPassword('correct horse', again)).toBe(true);
  });

  const malformed: [string, () => string][] = [
    ['an empty string', () => ''],
    ['another scheme', () => withPart(0, 'bcrypt')],
    ['missing parts', () => hash.split('$').slice(0, 5).join('$')],
    ['an extra part', () => `${hash}$extra`],
    ['a non-numeric cost', () => withPart(1, 'abc')],
    ['a cost that is not a power of two', () => withPart(1, '1000')],
    ['a cost beyond the memory limit', () => withPart(1, String(2 ** 30))],
    ['a block size beyond the memory limit', () => withPart(2, '64')],
    ['a zero parallelism', () => withPart(3, '0')],
    ['a salt that is not base64url', () => withPart(4, 'salt with spaces')],
    // An empty derived key equals an empty expected key: any password would match.
    ['an empty hash', () => withPart(5, '')],
    ['a hash that decodes to nothing', () => withPart(5, '!!!!')],
    // A short key is a prefix of the full one, so a truncated hash would still verify.
    ['a truncated hash', () => withPart(5, hash.split('$')[5]!.slice(0, 11))],
  ];

  it.each(malformed)('refuses %s as false, without throwing', async (_name, encoded) => {
    await expect(verifyPassword('correct horse', encoded())).resolves.toBe(false);
    await expect(verifyPassword('anything else', encoded())).resolves.toBe(false);
  });

  it('recognises its own hashes, so stored ones can be checked at start-up', () => {
    expect(isPasswordHash(hash)).toBe(true);
    expect(isPasswordHash('correct horse')).toBe(false);
  });

  it.each(malformed)('does not recognise %s as a hash', (_name, encoded) => {
    expect(isPasswordHash(encoded())).toBe(false);
  });
});
