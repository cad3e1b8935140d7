/** mulberry32: a tiny seeded PRNG, so a failing fuzz run can be replayed from its seed. */
export class Prng {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const UNICODE = [
  '\u0000',
  '\u202e',
  '\u200b',
  '\ud800',
  '\udfff',
  '😀',
  'Ω',
  '\u0301',
  'ﬁ',
  '\ufeff',
  '\r\n',
];

/** One hostile string: huge, slash runs, unicode junk, encodings, or near-valid values. */
export function hostileString(rng: Prng): string {
  switch (rng.int(10)) {
    case 0:
      return 'A'.repeat(1 + rng.int(12_000));
    case 1:
      return `http://a/${'/'.repeat(rng.int(55_000))}${rng.pick(['x', '', '?', '#'])}`;
    case 2:
      return Array.from({ length: 1 + rng.int(200) }, () => rng.pick(UNICODE)).join('');
    case 3:
      return '%'.repeat(rng.int(50)) + '%zz%00%ff%';
    case 4:
      return rng.pick(['', ' ', 'null', 'undefined', '[]', '{}', 'true', '-1', '1e309', 'NaN']);
    case 5:
      return rng.pick([
        'http://localhost:5000',
        'https://evil.example/cb',
        'javascript:alert(1)',
        'openid profile weatherget offline_access',
        'code',
        'S256',
        'authorization_code',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ]);
    case 6:
      return 'a '.repeat(rng.int(5000));
    case 7:
      return '<script>alert(1)</script>"\'&'.repeat(1 + rng.int(50));
    case 8:
      return `${'\\'.repeat(rng.int(3000))}x`;
    default:
      return String(rng.next()).repeat(1 + rng.int(20));
  }
}

/** A JSON value of a random, often wrong, type: deep nesting, long arrays, huge strings. */
export function hostileJson(rng: Prng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 4 : 8)) {
    case 0:
      return hostileString(rng);
    case 1:
      return rng.pick([null, true, false, 0, -1, 1e308, Number.MAX_SAFE_INTEGER]);
    case 2: {
      let nested: unknown = 'x';
      for (let i = rng.int(2000); i > 0; i--) nested = [nested];
      return nested;
    }
    case 3:
      return Array.from({ length: rng.int(3000) }, () => 'x');
    default:
      return Object.fromEntries(
        Array.from({ length: 1 + rng.int(5) }, () => [
          rng.pick([
            'client_name',
            'redirect_uris',
            'grant_types',
            'scope',
            'jsonrpc',
            'method',
            'params',
            'id',
            hostileString(rng).slice(0, 30),
          ]),
          hostileJson(rng, depth + 1),
        ]),
      );
  }
}

/** Form parameters: known names and junk, values hostile, names sometimes repeated. */
export function hostileForm(
  rng: Prng,
  names: readonly string[],
  valid: Record<string, string> = {},
): URLSearchParams {
  const params = new URLSearchParams(valid);
  for (let i = 1 + rng.int(8); i > 0; i--) {
    const name = rng.int(5) === 0 ? hostileString(rng).slice(0, 50) : rng.pick(names);
    params.append(name, hostileString(rng));
    if (rng.int(4) === 0) params.append(name, hostileString(rng));
  }
  return params;
}
