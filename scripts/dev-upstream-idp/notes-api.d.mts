// Types of notes-api.mjs, for the TypeScript suites that run the same API.

/** What an RFC 7662 introspection endpoint says of a token. */
export interface Introspection {
  readonly active: boolean;
  readonly iss?: string;
  readonly aud?: string | string[];
  readonly client_id?: string;
  readonly sub?: string;
  readonly scope?: string;
}

export interface IntrospectingClient {
  readonly id: string;
  readonly secret: string;
}

export declare const NOTES_SCOPE: 'notes:read';

export declare function notesOf(sub: string): { id: number; text: string }[];

export declare function introspectAt(
  issuer: string,
  client: IntrospectingClient,
  token: string,
): Promise<Introspection>;

export interface NotesApiOptions {
  /** 0: any free port. */
  readonly port: number;
  /** Its public URL, the audience it accepts; by default its loopback address. */
  readonly url?: string;
  /** The authorization server it trusts, or a function when that starts after the API. */
  readonly issuer: string | (() => string);
  readonly introspect: (token: string) => Promise<Introspection>;
}

export declare function startNotesApi(
  options: NotesApiOptions,
): Promise<{ readonly url: string; close(): Promise<void> }>;
