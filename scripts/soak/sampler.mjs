// Every few seconds: the server's own gauges from its /metrics (prom-client's default process
// metrics: RSS, V8 heap committed and used, event-loop delay p99 from
// perf_hooks.monitorEventLoopDelay, which it resets at each scrape, active handles; and the
// heap live after the latest full collection), its 5xx count, and the database's open
// connections.

/** The value of one unlabelled sample in Prometheus text, or undefined. */
function gauge(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Responses with a 5xx status the server itself counted, over every role and route. */
function serverErrors(text) {
  let n = 0;
  for (const line of text.split('\n')) {
    if (
      line.startsWith('http_request_duration_seconds_count{') &&
      /status_code="5\d\d"/.test(line)
    ) {
      n += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return n;
}

export async function sample(system, startedAt) {
  const response = await fetch(system.metricsUrl, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  return {
    t: (performance.now() - startedAt) / 1000,
    rssMiB: gauge(text, 'process_resident_memory_bytes') / 2 ** 20,
    // Committed against used tells V8's free heap (which RSS includes) from native memory.
    heapTotalMiB: gauge(text, 'nodejs_heap_size_total_bytes') / 2 ** 20,
    heapUsedMiB: gauge(text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
    // What the latest full collection left: the saw-tooth of garbage above it is not a leak.
    heapLiveMiB: gauge(text, 'nodejs_heap_live_after_full_gc_bytes') / 2 ** 20,
    eventLoopP99Ms: gauge(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    activeHandles: gauge(text, 'nodejs_active_handles_total'),
    serverErrors: serverErrors(text),
    dbConnections: await system.connections(),
  };
}
