// A child process's stdout and stderr onto ours, each line starting with `prefix`, so that the
// output of several children at once still reads per child. Whole lines: a pipe's chunks end
// anywhere, mid-line or mid-character, and a JSON log line cut in two would read as two broken
// ones. `skipEmpty` drops blank lines.
import { createInterface } from 'node:readline';

export function prefixOutput(child, prefix, { skipEmpty = false } = {}) {
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line || !skipEmpty) out.write(`${prefix}${line}\n`);
    });
  }
}
