import { Injectable } from '@nestjs/common';
import { ApiHttpClient, type ApiRequest, type ApiResponse } from './api-http';
import { McpDpopKey } from './mcp-dpop-key';

/** RFC 9449 §9: the resource server wants a proof with the nonce it sent beside. */
const NONCE_CHALLENGE = /\berror="use_dpop_nonce"/;

/**
 * Calls a protected API with a token bound to the MCP server's key: `Authorization: DPoP`
 * and a fresh proof for this method and URL (RFC 9449 §7.1). A `use_dpop_nonce` challenge
 * is answered once, with the nonce that came with it (§9).
 */
@Injectable()
export class BoundApiClient {
  constructor(
    private readonly http: ApiHttpClient,
    private readonly key: McpDpopKey,
  ) {}

  /** `bound`: the API checks DPoP proofs; otherwise the token goes as a Bearer token. */
  async send(request: ApiRequest, token: string, bound: boolean): Promise<ApiResponse> {
    if (!bound) {
      return this.http.send({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${token}` },
      });
    }
    const first = await this.signedSend(request, token);
    if (first.status !== 401 || !first.dpopNonce || !NONCE_CHALLENGE.test(first.challenge ?? '')) {
      return first;
    }
    return this.signedSend(request, token);
  }

  private async signedSend(request: ApiRequest, token: string): Promise<ApiResponse> {
    const proof = this.key.proof(request.method, request.url, token);
    const response = await this.http.send({
      ...request,
      headers: { ...request.headers, authorization: `DPoP ${token}`, dpop: proof },
    });
    // §8.2: a server may hand out the next nonce with any answer.
    this.key.rememberNonce(request.url, response.dpopNonce);
    return response;
  }
}
