// Two oidc-provider notices that say nothing about this project's behaviour are dropped so
// test output stays readable; every other warning still shows.
// - "Unsupported runtime" on Node 20, printed at import time: every feature this project uses
//   works there (engineering notes).
// - "failed to setup SSRF protection for fetch", only under Jest: oidc-provider looks for
//   undici's global dispatcher on globalThis, and Jest's sandbox has a globalThis of its own.
//   A real process has it (checked: `node dist/main.js` fetching a metadata document prints
//   no such warning).
const QUIET = [
  'oidc-provider WARNING: Unsupported runtime',
  'oidc-provider WARNING: failed to setup SSRF protection for fetch',
];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const first = args[0];
  if (typeof first === 'string' && QUIET.some((prefix) => first.startsWith(prefix))) return;
  warn(...args);
};
