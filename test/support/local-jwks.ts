import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { SigningKey } from './tokens';

/**
 * A discovery document and JWKS on 127.0.0.1 standing in for the AuthServer's, so
 * resource-server specs exercise the real key discovery and fetching over HTTP
 * without booting an authorization server. The document names `issuer` and a `jwks_uri` under
 * it, as a real issuer reached through an internal URL would.
 */
export class LocalJwks {
  /** How many times the JWKS was fetched: shows whether verifiers cache and refetch. */
  requests = 0;
  /** How many times the discovery document was fetched. */
  discoveryRequests = 0;
  private keys: JWK[];
  private readonly server: Server;

  private constructor(
    keys: readonly SigningKey[],
    private readonly issuer: string,
    metadata: Record<string, unknown>,
  ) {
    this.keys = keys.map((k) => k.publicJwk);
    this.server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/.well-known/openid-configuration') {
        this.discoveryRequests += 1;
        response.end(
          JSON.stringify({ ...metadata, issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }),
        );
        return;
      }
      this.requests += 1;
      response.end(JSON.stringify({ keys: this.keys }));
    });
  }

  /** `metadata`: more discovery document members (RFC 8414 §2), as the issuer advertises them. */
  static async start(
    keys: readonly SigningKey[],
    issuer: string,
    metadata: Record<string, unknown> = {},
  ): Promise<LocalJwks> {
    const jwks = new LocalJwks(keys, issuer, metadata);
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  /** Where the issuer is reached: its discovery document is under this URL. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
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
