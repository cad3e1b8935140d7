// Types of report.mjs for the tests that judge made-up request logs with it.

export interface Answer {
  /** Seconds since the load began. */
  readonly t: number;
  readonly route: string;
  /** 0: the request failed or timed out. */
  readonly status: number;
  readonly ms: number;
}

export interface RouteVerdict {
  readonly route: string;
  /** Answers in the first and last third. */
  readonly n: [number, number];
  readonly p50: [number, number];
  readonly p90: [number, number];
  readonly p99: [number, number];
  /** The percentile judged, as a fraction: 0.99, or lower where a third had under 1000 answers. */
  readonly tail: number;
  readonly tailFirst: number;
  readonly tailLast: number;
  readonly change: number;
  readonly judged: boolean;
}

export interface Goal {
  readonly goal: string;
  readonly pass: boolean;
  readonly figure: string;
}

export function judge(input: {
  samples: readonly {
    t: number;
    rssMiB: number;
    heapUsedMiB: number;
    /** 0 until the first full collection. */
    heapLiveMiB: number;
    serverErrors?: number;
  }[];
  requests: readonly Answer[];
  warmupS: number;
  endS: number;
  lost: readonly string[];
  unexpected: readonly string[];
}): { goals: Goal[]; routes: RouteVerdict[] };

export function tailName(q: number): string;

export function plot(samples: readonly object[], options: { warmupS: number; title: string }): string;
