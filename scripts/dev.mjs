// `npm run start:dev`: the Nest roles under `nest start --watch` and the SPA under Vite's dev
// server (hot reload) on its port, as two child processes that stop together.
// First: an unsupported Node is refused before the compiler or Vite starts (node-preflight.cjs).
import '../src/bootstrap/node-preflight.cjs';
import { spawn } from 'node:child_process';

const roles = (process.env.ROLES ?? 'auth,api,mcp,spa').split(',').map((r) => r.trim());
const serverRoles = roles.filter((r) => r !== 'spa');
const children = [];

function run(name, command, args, env) {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const prefix = (stream, out) =>
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code) => {
    process.stderr.write(`[${name}] exited with ${code}\n`);
    stop(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The server's stdout is a pipe here, so say whether the person at this terminal wants it readable.
const logFormat = process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
if (serverRoles.length) {
  run('server', 'npx', ['nest', 'start', '--watch'], {
    ROLES: serverRoles.join(','),
    LOG_FORMAT: logFormat,
  });
}
if (roles.includes('spa')) run('spa', 'npm', ['run', 'dev', '-w', 'spa']);
