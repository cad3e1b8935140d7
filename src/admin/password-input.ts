import { AdminError } from './admin-error';

/** More than any password the policy accepts (twice, with newlines), read before checking. */
const MAX_INPUT_BYTES = 4096;

/**
 * A new password from the terminal (asked twice, not echoed) or from piped stdin: one line,
 * optionally followed by the same line again as confirmation. Never from argv.
 */
export async function readNewPassword(
  stdin: NodeJS.ReadStream,
  prompt: NodeJS.WriteStream,
): Promise<string> {
  if (stdin.isTTY) {
    const first = await readHidden(stdin, prompt, 'New password: ');
    const second = await readHidden(stdin, prompt, 'Again: ');
    return confirmed(first, second);
  }
  return fromPipedText(await readAll(stdin));
}

/** "pw", "pw\n" or "pw\npw\n"; anything else is refused. */
export function fromPipedText(text: string): string {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines.length > 2) {
    throw new AdminError(
      'password_input',
      'stdin holds more than two lines: pipe in the password, optionally twice',
    );
  }
  return lines.length === 2 ? confirmed(lines[0]!, lines[1]!) : lines[0]!;
}

function confirmed(first: string, second: string): string {
  if (first !== second) throw new AdminError('password_input', 'the two passwords differ');
  return first;
}

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) {
      throw new AdminError('password_input', `stdin holds more than ${MAX_INPUT_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One line from the terminal in raw mode, so nothing typed is echoed; Ctrl-C aborts. */
function readHidden(
  stdin: NodeJS.ReadStream,
  prompt: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  prompt.write(question);
  stdin.setEncoding('utf8');
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      prompt.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new AdminError('password_input', 'cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}
