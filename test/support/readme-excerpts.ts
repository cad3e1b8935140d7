import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** A ```ts block of the README whose first line, `// <path>`, names the file it quotes. */
export interface ReadmeExcerpt {
  readonly path: string;
  /** The block cut at its `// …` lines, each part as `linesOf` gives it. */
  readonly fragments: readonly string[];
}

/** The ```ts blocks of one README section (from its heading to the next heading). */
export function readmeExcerpts(heading: string): ReadmeExcerpt[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`the README has no "${heading}"`);
  const rest = readme.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/^#{1,6} /m) >>> 0);
  return [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map(([, block = '']) => {
    const [first = '', ...lines] = block.split('\n');
    const path = /^\/\/ (\S+)$/.exec(first)?.[1];
    if (!path) throw new Error(`a block under "${heading}" does not name its file: ${first}`);
    const fragments = lines
      .join('\n')
      .split(/^\s*\/\/ ….*$/m)
      .map(linesOf);
    return { path, fragments };
  });
}

/** A repository file as `linesOf` gives it. */
export function sourceOf(path: string): string {
  return linesOf(readFileSync(join(ROOT, path), 'utf8'));
}

/**
 * Non-blank lines, trimmed, each between newlines: one text contains another's lines, in a
 * row and whole, when it contains it as a string. Indentation may differ.
 */
export function linesOf(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return `\n${lines.join('\n')}\n`;
}
