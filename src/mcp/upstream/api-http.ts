import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';

/** One HTTP request from the MCP server to a protected API. */
export interface ApiRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** The API's answer, read within the size cap. */
export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** `WWW-Authenticate` and `DPoP-Nonce` (RFC 9449 §9), for the DPoP nonce handshake. */
  readonly challenge?: string;
  readonly dpopNonce?: string;
}

/** Why no answer came back; callers switch on `code`. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly code: 'unreachable' | 'too_large',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TIMEOUT_MS = 10_000;
/** Upstream answers beyond this are refused rather than read into memory and handed to a model. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * The MCP server's HTTP client for the APIs behind it: undici's `request` on a keep-alive pool
 * per origin. Every tool call makes one such request, and `fetch` spent about twice the time
 * (its WHATWG Request/Response objects and streams) for the same bytes. Redirects are not
 * followed: a token minted for one API never travels to another origin.
 */
@Injectable()
export class ApiHttpClient implements OnApplicationShutdown {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

  /**
   * Sends one request and reads its answer up to `maxBytes`. Error messages name the method and
   * the origin only: the path and query may carry a caller's arguments, and these messages are
   * logged.
   */
  async send(call: ApiRequest, maxBytes = MAX_RESPONSE_BYTES): Promise<ApiResponse> {
    const where = `${call.method} ${URL.canParse(call.url) ? new URL(call.url).origin : 'a bad URL'}`;
    let response;
    try {
      response = await request(call.url, {
        method: call.method as 'GET',
        headers: call.headers,
        body: call.body,
        dispatcher: this.agent,
        // One deadline for the whole exchange: an API that drips its answer cannot hold a tool
        // call open past it.
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiCallError('unreachable', `${where} failed`, { cause: error });
    }
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      // Nobody reads this body: destroying it emits an abort error that, without a listener,
      // would be an uncaught exception.
      response.body.on('error', () => undefined).destroy();
      throw new ApiCallError('too_large', `answer of ${declared} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new ApiCallError('too_large', `answer over ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ApiCallError) throw error;
      throw new ApiCallError('unreachable', `${where}: the answer broke off`, {
        cause: error,
      });
    }
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const challenge = header('www-authenticate');
    const dpopNonce = header('dpop-nonce');
    return {
      status: response.statusCode,
      contentType: header('content-type') ?? '',
      text: Buffer.concat(chunks, size).toString('utf8'),
      ...(challenge !== undefined && { challenge }),
      ...(dpopNonce !== undefined && { dpopNonce }),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
