import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS_DIR } from './favicon.controller';

/** WCAG 2.2 relative luminance and contrast ratio (§1.4.3, "Contrast (Minimum)"). */
function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

const css = readFileSync(join(ASSETS_DIR, 'auth.css'), 'utf8');
const darkAt = css.indexOf('@media (prefers-color-scheme: dark)');

/** The custom properties of one scheme: dark overrides light. */
function palette(scheme: 'light' | 'dark'): Record<string, string> {
  const read = (text: string) =>
    Object.fromEntries(
      [...text.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{3,6});/gi)].map((m) => [m[1]!, m[2]!]),
    );
  const light = read(css.slice(0, darkAt));
  return scheme === 'light' ? light : { ...light, ...read(css.slice(darkAt)) };
}

describe('auth.css colours', () => {
  it('has a dark scheme', () => {
    expect(darkAt).toBeGreaterThan(0);
  });

  // Pairs of (text, background) as the stylesheet uses them.
  const pairs: [string, string][] = [
    ['--on-accent', '--accent'],
    ['--text', '--card'],
    ['--muted', '--card'],
    ['--accent', '--card'],
    ['--danger', '--card'],
    ['--text', '--warn-bg'],
    ['--warn', '--warn-bg'],
  ];
  it.each(
    (['light', 'dark'] as const).flatMap((scheme) => pairs.map((p) => [scheme, ...p] as const)),
  )('%s: %s on %s meets WCAG AA 4.5:1', (scheme, text, background) => {
    const colours = palette(scheme);
    expect(contrast(colours[text]!, colours[background]!)).toBeGreaterThanOrEqual(4.5);
  });

  it('uses the on-accent colour for the primary button', () => {
    expect(css).toMatch(/button\.primary \{[^}]*color: var\(--on-accent\)/);
  });
});
