// The soak's goals, judged from its samples and request log, and its plot.

const median = (values) =>
  values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] : NaN;
/** The p-quantile of values already sorted ascending. */
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
/**
 * A tail percentile read from n answers rests on the answers above it: from 100 answers "p99" is
 * the single slowest one, from 140 the second slowest, so one collection pause decides it. Each
 * route's tail is judged at p99 where both thirds have 1000 answers or more, and below that at
 * the highest percentile with at least ABOVE_TAIL answers above it (p90 at 100 answers).
 */
const ABOVE_TAIL = 10;
/** Fewer answers than this in a third and a route is not judged: even its p90 would be a few requests. */
const MIN_PER_THIRD = 100;
const tailOf = (n) => Math.min(0.99, Math.floor((1 - ABOVE_TAIL / n) * 1000) / 1000);

/** "p99", or "p92.5" where a third had too few answers for a p99 of its own. */
export const tailName = (q) => `p${+(q * 100).toFixed(1)}`;

/** Change of the median of the last third of the samples after warm-up over the first third's. */
function drift(samples, key, warmupS) {
  // A gauge with nothing to report yet (no full collection so far) is left out, not read as 0.
  const after = samples.filter((s) => s.t >= warmupS && s[key] > 0).map((s) => s[key]);
  const third = Math.floor(after.length / 3);
  if (third < 1) return { first: NaN, last: NaN, change: NaN };
  const first = median(after.slice(0, third));
  const last = median(after.slice(-third));
  return { first, last, change: last / first - 1 };
}

/**
 * Median, p90 and tail (above) per route in the first and last third of the run after warm-up,
 * and the tail's change. The load ends at endS; the write check after it is a burst of its own
 * and is not judged.
 */
function routeLatencies(requests, warmupS, endS) {
  const span = (endS - warmupS) / 3;
  const routes = new Map();
  for (const r of requests) {
    if (r.status === 0 || r.t < warmupS || r.t >= endS) continue;
    const third = r.t < warmupS + span ? 'first' : r.t >= endS - span ? 'last' : undefined;
    if (!third) continue;
    const entry = routes.get(r.route) ?? { first: [], last: [] };
    entry[third].push(r.ms);
    routes.set(r.route, entry);
  }
  return [...routes].map(([route, thirds]) => {
    // Sorted once: each third is read at four percentiles.
    const [first, last] = [thirds.first, thirds.last].map((v) => v.sort((a, b) => a - b));
    const judged = first.length >= MIN_PER_THIRD && last.length >= MIN_PER_THIRD;
    const tail = judged ? tailOf(Math.min(first.length, last.length)) : 0.99;
    const at = (values, p) => (values.length ? percentile(values, p) : NaN);
    const tailFirst = at(first, tail);
    const tailLast = at(last, tail);
    return {
      route,
      n: [first.length, last.length],
      p50: [at(first, 0.5), at(last, 0.5)],
      p90: [at(first, 0.9), at(last, 0.9)],
      p99: [at(first, 0.99), at(last, 0.99)],
      tail,
      tailFirst,
      tailLast,
      change: tailLast / tailFirst - 1,
      judged,
    };
  });
}

export function judge({ samples, requests, warmupS, endS, lost, unexpected }) {
  const rss = drift(samples, 'rssMiB', warmupS);
  // Heap is judged by what survives full collections: a sample of heap used lands anywhere on
  // the saw-tooth of garbage between them. The sampled median is printed beside it.
  const heap = drift(samples, 'heapLiveMiB', warmupS);
  const heapSampled = drift(samples, 'heapUsedMiB', warmupS);
  const routes = routeLatencies(requests, warmupS, endS);
  const unsteady = routes.filter((r) => r.judged && Math.abs(r.change) > 0.25);
  const clientErrors = requests.filter((r) => r.status >= 500);
  const failedRequests = requests.filter((r) => r.status === 0);
  const serverErrors = samples.at(-1)?.serverErrors ?? NaN;
  const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
  const goals = [
    {
      goal: 'RSS flat within ±10 % after warm-up',
      pass: Math.abs(rss.change) <= 0.1,
      figure: `median ${rss.first.toFixed(0)} → ${rss.last.toFixed(0)} MiB (${pct(rss.change)})`,
    },
    {
      goal: 'heap flat within ±10 % after warm-up (live heap after each full collection)',
      pass: Math.abs(heap.change) <= 0.1,
      figure: `median ${heap.first.toFixed(1)} → ${heap.last.toFixed(1)} MiB (${pct(heap.change)}); heap used as sampled, garbage included: median ${heapSampled.first.toFixed(1)} → ${heapSampled.last.toFixed(1)} MiB (${pct(heapSampled.change)})`,
    },
    {
      goal: `p99 per route within ±25 % between first and last thirds (routes with ≥ ${MIN_PER_THIRD} answers in each; under 1000, the highest percentile with ${ABOVE_TAIL} answers above it)`,
      pass: routes.some((r) => r.judged) && unsteady.length === 0,
      figure: routes.some((r) => r.judged)
        ? unsteady.length
          ? `unsteady: ${unsteady.map((r) => `${r.route} ${tailName(r.tail)} ${r.tailFirst.toFixed(1)} → ${r.tailLast.toFixed(1)} ms (${pct(r.change)}; p50 ${pct(r.p50[1] / r.p50[0] - 1)}, p90 ${pct(r.p90[1] / r.p90[0] - 1)})`).join('; ')}`
          : `${routes.filter((r) => r.judged).length} routes steady`
        : 'no route had enough answers: run longer',
    },
    {
      goal: 'zero 5xx (client-seen and server-counted), no request failed or timed out',
      pass: clientErrors.length === 0 && serverErrors === 0 && failedRequests.length === 0,
      figure: `${clientErrors.length} 5xx seen, ${serverErrors} counted by the server, ${failedRequests.length} failed or timed out`,
    },
    {
      goal: "zero lost writes (every refresh chain's newest token works, every revoked grant stays revoked)",
      pass: lost.length === 0,
      figure: lost.length ? lost.slice(0, 5).join('; ') : 'none lost',
    },
    {
      goal: 'every answer as expected for its operation',
      pass: unexpected.length === 0,
      figure: unexpected.length
        ? `${unexpected.length}: ${unexpected.slice(0, 5).join('; ')}`
        : 'all as expected',
    },
  ];
  return { goals, rss, heap, heapSampled, routes };
}

/** RSS, heap committed, used and live after full collections (MiB, left axis) and event-loop p99 (ms, right axis) over time, as SVG. */
export function plot(samples, { warmupS, title }) {
  const W = 900,
    H = 400,
    L = 60,
    R = 60,
    T = 40,
    B = 40;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const memMax = Math.max(1, ...samples.flatMap((s) => [s.rssMiB, s.heapUsedMiB])) * 1.1;
  const lagMax = Math.max(1, ...samples.map((s) => s.eventLoopP99Ms)) * 1.1;
  const x = (t) => L + (t / tMax) * (W - L - R);
  const y = (v, max) => T + (1 - v / max) * (H - T - B);
  // A gauge with nothing to report yet (the live heap before the first full collection) is no point.
  const line = (key, max, color) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${samples
      .filter((s) => s[key] > 0)
      .map((s) => `${x(s.t).toFixed(1)},${y(s[key], max).toFixed(1)}`)
      .join(' ')}"/>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>
<rect x="${L}" y="${T}" width="${x(warmupS) - L}" height="${H - T - B}" fill="#eee"/>
<text x="${L + 4}" y="${T + 14}" fill="#888">warm-up</text>
${ticks.map((f) => `<line x1="${L}" x2="${W - R}" y1="${y(f * memMax, memMax)}" y2="${y(f * memMax, memMax)}" stroke="#ddd"/><text x="${L - 6}" y="${y(f * memMax, memMax) + 4}" text-anchor="end">${(f * memMax).toFixed(0)}</text><text x="${W - R + 6}" y="${y(f * lagMax, lagMax) + 4}">${(f * lagMax).toFixed(1)}</text>`).join('\n')}
${ticks.map((f) => `<text x="${x(f * tMax)}" y="${H - B + 16}" text-anchor="middle">${((f * tMax) / 60).toFixed(1)} min</text>`).join('\n')}
<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">MiB</text>
<text x="${W - 12}" y="${H / 2}" transform="rotate(90 ${W - 12} ${H / 2})" text-anchor="middle">event-loop delay p99, ms</text>
${line('rssMiB', memMax, '#1f77b4')}
${line('heapTotalMiB', memMax, '#9467bd')}
${line('heapUsedMiB', memMax, '#2ca02c')}
${line('heapLiveMiB', memMax, '#ff7f0e')}
${line('eventLoopP99Ms', lagMax, '#d62728')}
<text x="${L + 10}" y="${H - 6}" fill="#1f77b4">— RSS</text><text x="${L + 70}" y="${H - 6}" fill="#9467bd">— heap committed</text><text x="${L + 190}" y="${H - 6}" fill="#2ca02c">— heap used</text><text x="${L + 270}" y="${H - 6}" fill="#ff7f0e">— heap live after full GC</text><text x="${L + 430}" y="${H - 6}" fill="#d62728">— event-loop p99 (right axis)</text>
</svg>
`;
}
