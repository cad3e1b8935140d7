/**
 * Characters a client name may not contain (RFC 7591 `client_name` is shown to people): C0 and
 * C1 controls (a terminal runs escape sequences), format characters (bidi overrides reorder
 * text, zero-width characters hide in it), unassigned and private-use code points, lone
 * surrogates, and line and paragraph separators.
 */
const UNSAFE_CHARACTER = /[\p{C}\p{Zl}\p{Zp}]/u;

/** The first character a client name may not contain, as `U+XXXX`; undefined if none. */
export function unsafeCharacterIn(name: string): string | undefined {
  const found = UNSAFE_CHARACTER.exec(name)?.[0];
  if (found === undefined) return undefined;
  return `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Letters that render as blank space without being white space (Unicode "Lo"/"So"). */
const BLANK_LETTERS: ReadonlySet<string> = new Set([
  '\u115f', // HANGUL CHOSEONG FILLER
  '\u1160', // HANGUL JUNGSEONG FILLER
  '\u2800', // BRAILLE PATTERN BLANK
  '\u3164', // HANGUL FILLER
  '\uffa0', // HALFWIDTH HANGUL FILLER
]);

/**
 * Letters of other scripts that look like Latin ones, mapped as UTS #39's confusables.txt maps
 * them: a hand-picked subset for Cyrillic and Greek (and a few Latin extensions), the letters
 * of the common look-alike attacks, since no library with the full table is a dependency.
 * Written as escapes: the letters themselves would be look-alikes in this file.
 */
const LOOK_ALIKES: ReadonlyMap<string, string> = new Map([
  // Cyrillic
  ['\u0410', 'A'],
  ['\u0412', 'B'],
  ['\u0415', 'E'],
  ['\u041a', 'K'],
  ['\u041c', 'M'],
  ['\u041d', 'H'],
  ['\u041e', 'O'],
  ['\u0420', 'P'],
  ['\u0421', 'C'],
  ['\u0422', 'T'],
  ['\u0425', 'X'],
  ['\u0405', 'S'],
  ['\u0406', 'I'],
  ['\u0408', 'J'],
  ['\u04ae', 'Y'],
  ['\u04c0', 'l'],
  ['\u051a', 'Q'],
  ['\u051c', 'W'],
  ['\u0430', 'a'],
  ['\u0435', 'e'],
  ['\u043e', 'o'],
  ['\u0440', 'p'],
  ['\u0441', 'c'],
  ['\u0443', 'y'],
  ['\u0445', 'x'],
  ['\u0455', 's'],
  ['\u0456', 'i'],
  ['\u0458', 'j'],
  ['\u04bb', 'h'],
  ['\u04af', 'y'],
  ['\u04cf', 'l'],
  ['\u0501', 'd'],
  ['\u051b', 'q'],
  ['\u051d', 'w'],
  // Greek
  ['\u0391', 'A'],
  ['\u0392', 'B'],
  ['\u0395', 'E'],
  ['\u0396', 'Z'],
  ['\u0397', 'H'],
  ['\u0399', 'I'],
  ['\u039a', 'K'],
  ['\u039c', 'M'],
  ['\u039d', 'N'],
  ['\u039f', 'O'],
  ['\u03a1', 'P'],
  ['\u03a4', 'T'],
  ['\u03a5', 'Y'],
  ['\u03a7', 'X'],
  ['\u03b1', 'a'],
  ['\u03b3', 'y'],
  ['\u03b9', 'i'],
  ['\u03ba', 'k'],
  ['\u03bd', 'v'],
  ['\u03bf', 'o'],
  ['\u03c1', 'p'],
  ['\u03c5', 'u'],
  ['\u03c7', 'x'],
  // Latin extensions
  ['\u0131', 'i'],
  ['\u0237', 'j'],
  ['\u0251', 'a'],
  ['\u0261', 'g'],
]);

const MARK_OR_FORMAT = /[\p{M}\p{C}]/u;
const SPACE = /\s/u;

/**
 * A name's confusable skeleton, after UTS #39 §4: two names with the same skeleton look alike.
 * Compatibility forms are unified and accents dropped (NFKD without marks), invisible
 * characters dropped, blank letters read as spaces, look-alike letters read as the Latin ones,
 * then case and runs of white space are ignored. The name is at most METADATA_LIMITS.clientName
 * characters when this runs, and every step is linear.
 */
export function nameSkeleton(name: string): string {
  let skeleton = '';
  for (const char of name.normalize('NFKD')) {
    if (MARK_OR_FORMAT.test(char)) continue;
    skeleton += BLANK_LETTERS.has(char) || SPACE.test(char) ? ' ' : (LOOK_ALIKES.get(char) ?? char);
  }
  return skeleton.toLowerCase().split(' ').filter(Boolean).join(' ');
}
