import {
  introspectAt,
  NOTES_SCOPE,
  startNotesApi,
  type Introspection,
} from '../../scripts/dev-upstream-idp/notes-api.mjs';

export { NOTES_SCOPE };

/** What the third-party authorization server said of a token the notes API was sent. */
export interface Introspected extends Introspection {
  readonly raw: string;
}

export interface IntrospectionClient {
  readonly issuer: string;
  readonly apiClient: { readonly id: string; readonly secret: string };
}

/**
 * The notes API of `npm run dev:upstream-idp` (a third-party API that knows nothing of this
 * project) on a free loopback port, trusting the third-party authorization server set in `as`,
 * and recording every token it was sent.
 */
export class NotesApi {
  readonly seen: Introspected[] = [];
  url = '';
  /** Set once the third-party authorization server runs. */
  as?: IntrospectionClient;
  private running?: { close(): Promise<void> };

  async start(): Promise<void> {
    const running = await startNotesApi({
      port: 0,
      issuer: () => this.authorizationServer().issuer,
      introspect: async (raw) => {
        const seen = await this.introspect(raw);
        this.seen.push(seen);
        return seen;
      },
    });
    this.running = running;
    this.url = running.url;
  }

  async stop(): Promise<void> {
    await this.running?.close();
  }

  /** RFC 7662 §2.1, authenticated as the API's own client at the third party. */
  async introspect(raw: string): Promise<Introspected> {
    const as = this.authorizationServer();
    return { raw, ...(await introspectAt(as.issuer, as.apiClient, raw)) };
  }

  private authorizationServer(): IntrospectionClient {
    if (!this.as) throw new Error('the notes API has no authorization server yet');
    return this.as;
  }
}
