/**
 * A problem an operator fixes in the configuration or its files, found before anything listens.
 * `main.ts` prints only the message (a stack trace would bury it) and exits. This file imports
 * nothing, so `src/config` may extend it without importing the rest of the kernel.
 */
export abstract class StartupError extends Error {
  abstract readonly code: string;
}
