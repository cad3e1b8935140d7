import {
  loadClientPrivateKey,
  loadClientPublicKey,
  type ClientPrivateKey,
  type PublicClientJwk,
} from './client-key';

export interface ClientKeyFiles {
  /** MCP_CLIENT_KEY_FILE as the MCP role reads it: the private key it signs with. */
  readonly privateKeyFile: string | undefined;
  /** MCP_CLIENT_PUBLIC_KEY_FILE: what an AuthServer on another machine registers. */
  readonly publicKeyFile: string | undefined;
}

export interface ClientKeys {
  readonly privateKey: ClientPrivateKey | undefined;
  readonly publicKey: PublicClientJwk | undefined;
  readonly problems: readonly string[];
}

/**
 * The MCP server's client key pair for private_key_jwt (RFC 7523 §2.2). One process reads one
 * file, MCP_CLIENT_KEY_FILE, and the AuthServer registers its public part; apart, the MCP
 * machine holds the private key and the AuthServer machine only MCP_CLIENT_PUBLIC_KEY_FILE.
 * When both are set in one process they must be the same key, or every exchange would fail.
 */
export function loadClientKeys(files: ClientKeyFiles, production: boolean): ClientKeys {
  const problems: string[] = [];
  let privateKey: ClientPrivateKey | undefined;
  let publicKey: PublicClientJwk | undefined;
  if (files.privateKeyFile) {
    const loaded = loadClientPrivateKey('MCP_CLIENT_KEY_FILE', files.privateKeyFile, production);
    if ('problem' in loaded) problems.push(loaded.problem);
    else privateKey = loaded.key;
  }
  if (files.publicKeyFile) {
    const loaded = loadClientPublicKey('MCP_CLIENT_PUBLIC_KEY_FILE', files.publicKeyFile);
    if ('problem' in loaded) problems.push(loaded.problem);
    else publicKey = loaded.key;
  } else {
    publicKey = privateKey?.publicJwk;
  }
  if (privateKey && publicKey && !sameKey(privateKey.publicJwk, publicKey)) {
    problems.push('MCP_CLIENT_PUBLIC_KEY_FILE is not the public part of MCP_CLIENT_KEY_FILE');
  }
  return { privateKey, publicKey, problems };
}

function sameKey(a: PublicClientJwk, b: PublicClientJwk): boolean {
  const material = (jwk: PublicClientJwk) =>
    JSON.stringify([jwk.kty, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y]);
  return material(a) === material(b);
}
