// Jest's node environment with the host's undici dispatcher shared into the test sandbox.
// oidc-provider builds its SSRF-protected fetch (special-use addresses refused for Client ID
// Metadata Documents) from the dispatcher that Node keeps on globalThis; the sandbox has a
// globalThis of its own without it, so under a plain Jest environment that protection would
// silently be off. With this environment the suites run with it on, as a real process does.
const { TestEnvironment } = require('jest-environment-node');

class NodeEnvironmentWithDispatcher extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    // Touching Response makes Node create its global dispatcher.
    void Response;
    for (const version of [1, 2]) {
      const key = Symbol.for(`undici.globalDispatcher.${version}`);
      if (globalThis[key] !== undefined) this.global[key] = globalThis[key];
    }
  }
}

module.exports = NodeEnvironmentWithDispatcher;
