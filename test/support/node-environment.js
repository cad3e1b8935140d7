// Jest's node environment with the host's undici dispatcher shared into the test sandbox, and a
// temporary folder of the suite's own.
//
// oidc-provider builds its SSRF-protected fetch (special-use addresses refused for Client ID
// Metadata Documents) from the dispatcher that Node keeps on globalThis; the sandbox has a
// globalThis of its own without it, so under a plain Jest environment that protection would
// silently be off. With this environment the suites run with it on, as a real process does.
//
// Suites and their helpers make folders with mkdtemp (SQLite stores, APIS_FILEs, key files, whole
// PostgreSQL clusters), and the processes they start make their own; not every one is removed, and
// on a CI machine that runs the suites again and again they pile up in /tmp. TMPDIR names a folder
// for the suite while it runs (os.tmpdir() reads it on every call, and the processes the suite
// starts inherit it); the folder goes when the suite ends, whatever it left there.
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

class NodeEnvironmentWithDispatcher extends TestEnvironment {
  constructor(config, context) {
    // Before the base class copies process.env into the sandbox, so the suite's own
    // `{ ...process.env }` hands it to the processes it starts too.
    const folder = mkdtempSync(join(tmpdir(), 'jest-suite-'));
    // Traversable by the PostgreSQL clusters' own user (test/support/pg-cluster.ts runs them as
    // `postgres` in a folder it owns inside this one).
    chmodSync(folder, 0o755);
    const outer = process.env.TMPDIR;
    process.env.TMPDIR = folder;
    super(config, context);
    this.suiteTmp = { folder, outer };
    // Touching Response makes Node create its global dispatcher.
    void Response;
    for (const version of [1, 2]) {
      const key = Symbol.for(`undici.globalDispatcher.${version}`);
      if (globalThis[key] !== undefined) this.global[key] = globalThis[key];
    }
  }

  async teardown() {
    await super.teardown();
    const { folder, outer } = this.suiteTmp;
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  }
}

module.exports = NodeEnvironmentWithDispatcher;
