export interface Challenge {
  /** Lower-cased auth scheme, e.g. `bearer`. */
  readonly scheme: string;
  /** Auth-params with lower-cased names and unquoted values. */
  readonly params: Readonly<Record<string, string>>;
}

// RFC 9110 §5.6.2 token characters.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses a WWW-Authenticate value (RFC 9110 §11.6.1) into its challenges. Tolerant: anything it
 * cannot read ends the parse instead of throwing, because a hint is better than no message.
 */
export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = header ?? '';
  let current: { scheme: string; params: Record<string, string> } | undefined;

  const skip = (pattern: RegExp): void => {
    rest = rest.replace(pattern, '');
  };

  skip(/^[\s,]+/);
  while (rest.length > 0) {
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break;
    rest = rest.slice(name.length);
    skip(/^[ \t]*/);

    if (current && rest.startsWith('=')) {
      rest = rest.slice(1);
      skip(/^[ \t]*/);
      const value = readValue();
      if (value === undefined) break;
      current.params[name.toLowerCase()] = value;
    } else {
      // A token not followed by "=" starts a new challenge; its token68 form is ignored.
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
      const token68 = /^[A-Za-z0-9._~+/-]+=*(?=\s*(?:,|$))/.exec(rest)?.[0];
      if (token68) rest = rest.slice(token68.length);
    }
    skip(/^[\s,]+/);
  }
  return challenges;

  function readValue(): string | undefined {
    if (rest.startsWith('"')) {
      let value = '';
      for (let i = 1; i < rest.length; i += 1) {
        const char = rest[i];
        if (char === '\\' && i + 1 < rest.length) {
          value += rest[i + 1];
          i += 1;
        } else if (char === '"') {
          rest = rest.slice(i + 1);
          return value;
        } else {
          value += char;
        }
      }
      return undefined;
    }
    const token = TOKEN.exec(rest)?.[0];
    if (!token) return undefined;
    rest = rest.slice(token.length);
    return token;
  }
}

/** The RFC 6750 §3 Bearer challenge, if the server sent one. */
export function bearerChallenge(header: string | null | undefined): Challenge | undefined {
  return parseWwwAuthenticate(header).find((challenge) => challenge.scheme === 'bearer');
}

/**
 * The challenge that explains a rejected access token: a Bearer (RFC 6750 §3) or DPoP
 * (RFC 9449 §7.1) one, preferring whichever names an `error`, as a server may offer both.
 */
export function tokenChallenge(header: string | null | undefined): Challenge | undefined {
  const challenges = parseWwwAuthenticate(header).filter(
    (challenge) => challenge.scheme === 'bearer' || challenge.scheme === 'dpop',
  );
  return challenges.find((challenge) => challenge.params.error !== undefined) ?? challenges[0];
}
