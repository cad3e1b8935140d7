import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { SigningKey } from './tokens';

/**
 * A JWKS endpoint on 127.0.0.1 standing in for the AuthServer's, so resource-server specs
 * exercise the real key fetching (jwks-rsa over HTTP) without booting an authorization server.
 */
export class LocalJwks {
  /** How many times the JWKS was fetched: shows whether verifiers cache and refetch. */
  requests = 0;
  private keys: JWK[];
  private readonly server: Server;

  private constructor(keys: readonly SigningKey[]) {
    this.keys = keys.map((k) => k.publicJwk);
    this.server = createServer((_request, response) => {
      this.requests += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: this.keys }));
    });
  }

  static async start(keys: readonly SigningKey[]): Promise<LocalJwks> {
    const jwks = new LocalJwks(keys);
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get uri(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/jwks`;
  }

  /** Replaces the published keys, as a key rotation at the issuer would. */
  serve(keys: readonly SigningKey[]): void {
    this.keys = keys.map((k) => k.publicJwk);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
