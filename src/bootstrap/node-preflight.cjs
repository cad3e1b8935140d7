'use strict';
// Plain CommonJS with no build step and no dependency, because it runs where nothing else can
// yet: `npm start` and `npm run start:dev` load it before building or starting anything, and
// dist/main.js requires it before any other module. On a Node older than 22.12 the server's
// ES-module-only packages (oidc-provider, jose, ...) fail to load with ERR_REQUIRE_ESM, which
// says nothing about the cause; loading this module instead refuses that Node and says what to do.

const MINIMUM = { major: 22, minor: 12 };

/**
 * Why `version` (process.versions.node, with or without a leading `v`) cannot run the server,
 * with how to get Node 24; undefined when it can. `platform` and `arch` (process.platform and
 * process.arch) name the npm registry's Node package for this machine.
 */
function unsupportedNode(version, platform, arch) {
  const match = /^v?(\d+)\.(\d+)\./.exec(version);
  const major = match ? Number(match[1]) : 0;
  const minor = match ? Number(match[2]) : 0;
  const supported = major > MINIMUM.major || (major === MINIMUM.major && minor >= MINIMUM.minor);
  if (supported) return undefined;
  const pkg = `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
  const prefix = '~/.cache/api-mcp-auth/node-24';
  return [
    `api-mcp-auth needs Node.js ${MINIMUM.major}.${MINIMUM.minor} or newer (the 22, 24 and 26 LTS ` +
      `lines); this is Node.js ${version}.`,
    'Get Node 24 from the npm registry, without root (README, "Quick start"):',
    `  npm install --prefix ${prefix} ${pkg}@24`,
    `  export PATH=${prefix}/node_modules/${pkg}/bin:$PATH`,
  ].join('\n');
}

const refusal = unsupportedNode(process.versions.node, process.platform, process.arch);
if (refusal !== undefined) {
  process.stderr.write(`${refusal}\n`);
  process.exit(1);
}

module.exports = { unsupportedNode };
