/**
 * Characters a terminal may act on or that hide or reorder text: C0 and C1 controls (escape
 * sequences set the title or clear the screen), format characters (bidi overrides, zero-width
 * characters), and the rest of Unicode's "Other" category, line and paragraph separators.
 */
const UNSAFE = /[\p{C}\p{Zl}\p{Zp}]/gu;

/** Stored text as it may be printed: each unsafe character as a `\uXXXX` escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/**
 * A value as JSON for scripts. JSON.stringify leaves C1 controls, bidi and zero-width
 * characters raw; they are escaped too, which JSON reads as the same value. Its own line
 * breaks (between members) are the only raw newlines: those inside strings are escaped.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE, (char) =>
    char === '\n' ? char : escaped(char),
  );
}

function escaped(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) {
    out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}
