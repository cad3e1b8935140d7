const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

// Jest runs in CommonJS mode. Several dependencies ship only ESM, so swc transpiles them too;
// when Jest names a package it cannot parse, add it to esmOnly.
const esmOnly = [
  '@nestjs',
  'jose',
  'oidc-provider',
  'openid-client',
  'oauth4webapi',
  'cookie',
  'content-disposition',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  'json-schema-typed',
  '@modelcontextprotocol',
  'pkce-challenge',
  'quick-lru',
  'eventsource-parser',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: '<rootDir>/../test/support/node-environment.js',
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  // Judged by the innermost node_modules folder, so a nested ESM-only copy (cookie under
  // light-my-request) is transpiled too.
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

// Suites that must not run beside an arbitrary other suite: they start dist/main.js or other Node
// processes (races between OS processes, signals, CLIs), drive Chromium, or bound a response time,
// so a second such suite beside them competes for the same two cores and makes them slow or flaky.
// Every other e2e suite boots the system inside its Jest worker on free ports, with its own
// temporary SQLite directory or PostgreSQL database, and runs beside others (`npm run test:e2e`).
// They run in band, in three lanes at once (`npm run test:lanes`, which lists each lane's steps in
// the order it runs them), so that each kind has at most one suite running at a time:
//  - e2e-serial (Node processes), one at a time;
//  - e2e-waiting-1, then e2e-timed, e2e-container and the SPA's Vitest suite;
//  - e2e-waiting-2, then e2e-browser (Chromium).
//    The lanes take about as long: 150, 190 and 170 s alone on a 2-core AMD EPYC VM.
//    e2e-waiting-*: suites that mostly wait (a database or a role kept away for seconds, token
//    lifetimes running out, a load held at a fixed rate) and assert correctness, not speed. Each
//    left about three quarters of the two cores idle when it ran alone (vmstat over a CI run);
//    split in two about as long (seconds each took alone, below).
//    e2e-timed: suites that bound a response time, never beside one another, and the only step
//    the lanes leave at the normal CPU priority (the rest run at nice 10). Beside the other two
//    lanes their slowest answer took 560 ms against a 2000 ms bound (one fuzz request) on one
//    2-core VM, and 2407 ms on a slower one before the priority, every other at most 25 ms
//    against 1000 ms.
const waitingE2e = [
  ['key-rotation', 'postgres-outage'], // 58 + 26 s
  ['soak', 'role-outages'], // 65 + 23 s
];
const timedE2e = [
  'auth-pages',
  'security/fuzz',
  'security/issuer-keys',
  'security/openapi-surface',
  // the drain's timing, to the second
  'shutdown',
];
const serialE2e = [
  // dist/main.js or other Node processes
  'admin-cli',
  'admin-idps',
  'conformance',
  'dev-upstream-idp',
  'distributed',
  'get-token-script',
  'hash-password-script',
  'id-jag',
  'inspector',
  'keys-cli',
  'machine-clients',
  'mcp-client-key',
  'node-preflight',
  'operator-env',
  'replicas',
  'single-use-races',
  'store-first-start',
  'workers',
  'workload-federation',
];
// Chromium, and dist/main.js beside it: a lane of their own, for the same reasons.
const browserE2e = [
  'dev-idp-walkthrough', // and the dev IdP, the admin CLI and the MCP Inspector
  'account-browser',
  'federation-browser',
  'spa',
  'swagger',
];
// podman: runs the roles as containers from the project's image. Late in its lane, so CI's image
// build, started before the install at the lowest priority (.ci/run), has had the time before it
// to finish.
const containerE2e = ['container'];
const spec = (name) => `${name}.e2e-spec.ts`;

// The suites start well over a hundred Node processes (dist/main.js, the admin CLI, scripts,
// npx), each compiling the same files again. Node's on-disk code cache (NODE_COMPILE_CACHE,
// checked against each file's contents) lets every start after the first skip that; the
// processes inherit it through the workers' environment. An operator's own setting is left alone.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'api-mcp-auth-node-compile-cache');

// A renamed or removed suite would otherwise drop silently into the parallel project.
const alone = [...serialE2e, ...browserE2e, ...containerE2e, ...waitingE2e.flat(), ...timedE2e].map(
  spec,
);
for (const file of alone) {
  if (!existsSync(join(__dirname, 'test', file)))
    throw new Error(`jest.config.js: no test/${file}`);
}
const project = (displayName, names) => ({
  ...common,
  displayName,
  rootDir: 'test',
  testMatch: names.map((name) => `<rootDir>/${spec(name)}`),
});

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: 'test',
      testMatch: ['**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...alone.map((file) => `/test/${file}$`)],
    },
    project('e2e-serial', serialE2e),
    project('e2e-browser', browserE2e),
    project('e2e-container', containerE2e),
    ...waitingE2e.map((names, i) => project(`e2e-waiting-${i + 1}`, names)),
    project('e2e-timed', timedE2e),
  ],
  testTimeout: 60000,
};
