import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import { Revocation, RevocationListener, RevocationWatch } from '../revocation-events';
import { REVOCATION_CHANNEL } from './postgres.statements';

/** A lost or silent connection is noticed within this; well under the fail-closed bound. */
const HEARTBEAT_MS = 250;
const RECONNECT_DELAY_MS = 200;
const CONNECT_TIMEOUT_MS = 2_000;
/** Notifications only say what changed; a full read now and then covers anything else. */
const CATCH_UP_MS = 10_000;

/**
 * Revocations from every process, through one dedicated connection that LISTENs on the
 * revocation channel (a pooled connection cannot: LISTEN belongs to a session). A heartbeat
 * on that connection proves it alive; a lost one is reopened, and the listener reads the whole
 * list again before the watch vouches for it (notifications sent meanwhile are gone).
 */
export class PostgresRevocationWatch implements RevocationWatch {
  readonly catchUpEveryMs = CATCH_UP_MS;
  private client: Client | undefined;
  private confirmed = 0;
  private closed = false;
  private beating = false;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly url: string,
    private readonly listener: RevocationListener,
  ) {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  static async start(url: string, listener: RevocationListener): Promise<PostgresRevocationWatch> {
    const watch = new PostgresRevocationWatch(url, listener);
    try {
      await watch.connect();
    } catch (error) {
      await watch.close();
      throw error;
    }
    return watch;
  }

  confirmedAt(): number {
    return this.client ? this.confirmed : 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('notification', (message) => {
      const revocation = parse(message.payload);
      if (revocation) this.listener.revoked(revocation);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    const started = Date.now();
    await client.connect();
    await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
    this.client = client;
    this.confirmed = started;
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    while (!this.closed) {
      try {
        await this.connect();
        if (this.closed) return await this.close();
        const client = this.client;
        this.client = undefined;
        // Until the list is read again the copy may lack what was revoked in the gap.
        await this.listener.resumed();
        this.client = client;
        return;
      } catch {
        await delay(RECONNECT_DELAY_MS);
      }
    }
  }

  private beat(): void {
    const client = this.client;
    if (!client || this.beating) return;
    this.beating = true;
    // Notifications committed before this query was sent reach us before its answer.
    const sent = Date.now();
    client
      .query('SELECT 1')
      .then(
        () => {
          if (this.client === client) this.confirmed = sent;
        },
        () => this.lost(client),
      )
      .finally(() => {
        this.beating = false;
      });
  }
}

function parse(payload: string | undefined): Revocation | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<Revocation>;
    const { kind, id, expiresAt } = value;
    if ((kind === 'token' || kind === 'grant') && typeof id === 'string') {
      return { kind, id, expiresAt: Number(expiresAt) };
    }
  } catch {
    // Not ours: the channel is only written by the store's statements.
  }
  return undefined;
}
