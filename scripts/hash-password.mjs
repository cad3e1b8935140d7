// `npm run build && npm run --silent hash-password`: prints the hash of a password for the users
// file (USERS_FILE), in the AuthServer's own format (src/auth/users/password.ts, used from dist/).
// The password is read from stdin, never from the command line, so it stays out of shell
// history and process lists. On a terminal it is asked for twice and not echoed; otherwise
// stdin holds exactly the password (one trailing newline is dropped):
//
//   npm run --silent hash-password                          # asks on the terminal
//   printf '%s' "$PASSWORD" | npm run --silent hash-password
if (process.argv.length > 2) {
  fail('the password is read from stdin, not from arguments (they end up in shell history)');
}

let hashPassword;
try {
  ({ hashPassword } = await import(new URL('../dist/auth/users/password.js', import.meta.url).href));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  fail('dist/auth/users/password.js is missing: run `npm run build` first');
}

const password = process.stdin.isTTY ? await askTwice() : await readPiped();
if (!password) fail('the password is empty');
process.stdout.write(`${await hashPassword(password)}\n`);

async function askTwice() {
  const first = await readHidden('Password: ');
  const second = await readHidden('Again: ');
  if (first !== second) fail('the two passwords differ');
  return first;
}

async function readPiped() {
  process.stdin.setEncoding('utf8');
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const password = input.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(password)) fail('stdin holds more than one line: pipe in one password');
  return password;
}

/** Reads one line from the terminal in raw mode, so nothing typed is echoed. */
function readHidden(prompt) {
  const { stdin, stderr } = process;
  stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          return resolve(value);
        }
        if (char === '\u0003') {
          finish();
          process.exit(130);
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}

function fail(message) {
  process.stderr.write(`hash-password: ${message}\n`);
  process.exit(1);
}
