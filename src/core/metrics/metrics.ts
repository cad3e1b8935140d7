import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Role } from '../../config/config';

export type SignInOutcome = 'success' | 'wrong_credentials' | 'throttled';
/** configured: in the server's configuration; registered: RFC 7591; metadata_document: CIMD. */
export type ClientKind = 'configured' | 'registered' | 'metadata_document';
export type ExchangeOutcome = 'issued' | 'refused' | 'unavailable';
/** hit: a cached token; joined: shared an exchange already in flight; miss: a new exchange. */
export type CacheLookup = 'hit' | 'joined' | 'miss';
export type RevocationOutcome = 'valid' | 'revoked' | 'error';
export type IssuerDocument = 'discovery' | 'jwks';

const SIGN_IN_OUTCOMES: readonly SignInOutcome[] = ['success', 'wrong_credentials', 'throttled'];
const CACHE_LOOKUPS: readonly CacheLookup[] = ['hit', 'joined', 'miss'];
/** Seconds; from a cached revocation lookup (~0.1 ms) to a slow back-channel call. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics, one registry shared by every role it runs. Label values
 * come only from closed sets (roles, outcomes, route patterns, grant types, configured client
 * ids): never a user name, a token, a secret or a raw URL, so a scrape reveals nobody and
 * the number of series stays bounded.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly httpRequests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by role, route pattern, method and status code, with their latency.',
    labelNames: ['role', 'route', 'method', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly tokensIssued = new Counter({
    name: 'oauth_tokens_issued_total',
    help: 'Successful token endpoint grants by grant type and client kind; client_id only for configured clients.',
    labelNames: ['grant_type', 'client_kind', 'client_id'] as const,
    registers: [this.registry],
  });

  private readonly signIns = new Counter({
    name: 'auth_sign_ins_total',
    help: 'Sign-in attempts on the login page by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly tokenExchanges = new Histogram({
    name: 'mcp_token_exchange_duration_seconds',
    help: 'RFC 8693 token exchanges the MCP server made, by outcome, with their latency.',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly exchangeCache = new Counter({
    name: 'mcp_token_exchange_cache_lookups_total',
    help: 'Exchanged-token cache lookups by result; hit ratio = (hit + joined) / all.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly revocationChecks = new Histogram({
    name: 'bearer_revocation_check_duration_seconds',
    help: 'Revocation-list lookups made by the resource servers, by outcome, with their latency.',
    labelNames: ['role', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly issuerFetches = new Counter({
    name: 'bearer_issuer_fetches_total',
    help: "Resource servers' fetches of the issuer's discovery document and JWKS, by outcome.",
    labelNames: ['role', 'document', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Counters with a closed set of values start at 0, so a rate() sees the first increment.
    for (const outcome of SIGN_IN_OUTCOMES) this.signIns.labels({ outcome }).inc(0);
    for (const result of CACHE_LOOKUPS) this.exchangeCache.labels({ result }).inc(0);
  }

  /** Node's process metrics (CPU, memory, event-loop lag, GC): only when someone scrapes. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    this.observeLiveHeap();
  }

  /**
   * The heap that survived the latest full collection. `nodejs_heap_size_used_bytes` counts the
   * garbage too, so under load it saw-tooths by tens of MiB between collections and a sample
   * says little about a leak; what a full (mark-sweep-compact) collection leaves in the old
   * generation does. Read from the spaces outside the young generation, so what was allocated
   * between the collection and this callback (which V8 delivers asynchronously) is not counted.
   */
  private observeLiveHeap(): void {
    const live = new Gauge({
      name: 'nodejs_heap_live_after_full_gc_bytes',
      help: 'V8 old-generation heap in use right after the latest full collection (0 until one ran).',
      registers: [this.registry],
    });
    new PerformanceObserver((list) => {
      // A gc entry's detail is `{ kind, flags }` (Node's perf_hooks documentation).
      const entries = list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[];
      const full = entries.some(
        (entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      );
      if (full) live.set(oldGenerationUsed());
    }).observe({ entryTypes: ['gc'] });
  }

  httpRequest(role: Role, route: string, method: string, status: number, seconds: number): void {
    this.httpRequests.labels({ role, route, method, status_code: String(status) }).observe(seconds);
  }

  tokenIssued(grantType: string, kind: ClientKind, configuredClientId: string | undefined): void {
    this.tokensIssued
      .labels({ grant_type: grantType, client_kind: kind, client_id: configuredClientId ?? '' })
      .inc();
  }

  signIn(outcome: SignInOutcome): void {
    this.signIns.labels({ outcome }).inc();
  }

  tokenExchange(outcome: ExchangeOutcome, seconds: number): void {
    this.tokenExchanges.labels({ outcome }).observe(seconds);
  }

  exchangeCacheLookup(result: CacheLookup): void {
    this.exchangeCache.labels({ result }).inc();
  }

  revocationCheck(role: Role, outcome: RevocationOutcome, seconds: number): void {
    this.revocationChecks.labels({ role, outcome }).observe(seconds);
  }

  issuerFetch(role: Role, document: IssuerDocument, ok: boolean): void {
    this.issuerFetches.labels({ role, document, outcome: ok ? 'success' : 'failure' }).inc();
  }
}

function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  }
  return used;
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
