import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(resolve(__dirname, '..', '..'), 'test-output', 'screenshots');

/**
 * `describe` when Chromium is here. Without it a CI run fails loudly with a test that says
 * what to install; a developer's run says it skipped.
 */
export function describeWithChromium(name: string, file: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(
          `Chromium not found at ${CHROMIUM}: CI must install it (apt-get install chromium) ` +
            'or point CHROMIUM_PATH at it',
        );
      });
    });
    return;
  }
  console.warn(`SKIPPED ${file}: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  describe.skip(name, body);
}

/**
 * Headless, no sandbox (CI runs as root), and none of Chromium's background traffic: this
 * machine's network refuses it. Each launch gets a fresh temporary profile.
 */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
