import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblems } from '../../test/support/config-problems';
import { PRODUCTION_ENV } from '../../test/support/production-env';
import { loadConfig } from './config';

describe('MCP_CLIENT_KEY_FILE and MCP_CLIENT_PUBLIC_KEY_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'client-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function keyFiles(name: string, mode = 0o600) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePath = join(dir, `${name}.pem`);
    const publicPath = join(dir, `${name}.pub.jwk`);
    writeFileSync(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode });
    writeFileSync(publicPath, JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] }));
    return { privatePath, publicPath };
  }

  it('gives the MCP role the private key and the AuthServer its public part', () => {
    const { privatePath } = keyFiles('one');
    const config = loadConfig({ MCP_CLIENT_KEY_FILE: privatePath });
    expect(config.mcp.clientKey?.privateJwk.d).toEqual(expect.any(String));
    expect(config.auth.mcpServerKey).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(config.auth.mcpServerKey).not.toHaveProperty('d');
    expect(config.auth.mcpServerKey?.kid).toBe(config.mcp.clientKey?.publicJwk.kid);
  });

  it('registers the public key alone, as an AuthServer on another machine has it', () => {
    const { publicPath } = keyFiles('apart');
    const config = loadConfig({ ...PRODUCTION_ENV, MCP_CLIENT_PUBLIC_KEY_FILE: publicPath });
    expect(config.auth.mcpServerKey).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(config.mcp.clientKey).toBeUndefined();
  });

  it('refuses in production a private key file that group or others may read', () => {
    const { privatePath } = keyFiles('loose', 0o644);
    expect(configProblems({ ...PRODUCTION_ENV, MCP_CLIENT_KEY_FILE: privatePath })).toEqual([
      `MCP_CLIENT_KEY_FILE ${privatePath} is readable by group or others (chmod 600 it)`,
    ]);
  });

  it('refuses a public key that is not the private key, a missing file and a P-384 key', () => {
    const one = keyFiles('mine');
    const other = keyFiles('theirs');
    expect(
      configProblems({
        MCP_CLIENT_KEY_FILE: one.privatePath,
        MCP_CLIENT_PUBLIC_KEY_FILE: other.publicPath,
      }),
    ).toEqual(['MCP_CLIENT_PUBLIC_KEY_FILE is not the public part of MCP_CLIENT_KEY_FILE']);
    expect(configProblems({ MCP_CLIENT_KEY_FILE: join(dir, 'absent.pem') })).toEqual([
      `MCP_CLIENT_KEY_FILE cannot read ${join(dir, 'absent.pem')}`,
    ]);
    const p384 = join(dir, 'p384.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    writeFileSync(p384, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(configProblems({ MCP_CLIENT_KEY_FILE: p384 })).toEqual([
      'MCP_CLIENT_KEY_FILE must hold an RSA, EC P-256 or Ed25519 key',
    ]);
  });

  it('refuses a public key where the MCP server needs its private key', () => {
    const { publicPath } = keyFiles('public-only');
    expect(configProblems({ MCP_CLIENT_KEY_FILE: publicPath })).toEqual([
      `MCP_CLIENT_KEY_FILE ${publicPath} holds no private key (PEM or JWK)`,
    ]);
  });
});
