import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A pino logger whose JSON lines a test can read back: what the system logged, as written. */
export interface CapturedLogs {
  readonly logger: Logger;
  /** Everything written so far. */
  text(): string;
  /** The lines of the logger named `name` (e.g. `audit`), parsed. */
  named(name: string): Record<string, unknown>[];
}

export function captureLogs(level: pino.Level = 'info'): CapturedLogs {
  let written = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  return {
    logger: pino({ level }, sink),
    text: () => written,
    named: (name) =>
      written
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.name === name),
  };
}
