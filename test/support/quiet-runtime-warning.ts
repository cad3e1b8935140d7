// oidc-provider prints an "Unsupported runtime" notice on Node 20 at import time; every feature
// this project uses works there (engineering notes). Drop only that line so test output stays
// readable; every other warning still shows.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (
    typeof args[0] === 'string' &&
    args[0].startsWith('oidc-provider WARNING: Unsupported runtime')
  )
    return;
  warn(...args);
};
