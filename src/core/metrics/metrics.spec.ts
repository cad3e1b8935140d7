import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parsePrometheusText, sampleSum } from '../../../test/support/prometheus-text';
import { Metrics } from './metrics';
import { serveMetrics } from './metrics-server';

describe('Metrics', () => {
  it('reports the heap left by the latest full collection', async () => {
    const metrics = new Metrics();
    metrics.collectProcessMetrics();
    const live = async () =>
      sampleSum(
        parsePrometheusText(await metrics.registry.metrics()),
        'nodejs_heap_live_after_full_gc_bytes',
        {},
      );
    expect(await live()).toBe(0);

    // A full collection, asked for the way `--expose-gc` would (Jest does not pass the flag).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let kept: number[][] = [];
    const collectedWith = async (megabytes: number) => {
      kept = Array.from({ length: megabytes }, () => new Array<number>(131_072).fill(1));
      gc();
      // The observer is called after the collection, from the event loop.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return live();
    };
    const small = await collectedWith(0);
    const large = await collectedWith(128);
    expect(small).toBeGreaterThan(0);
    // 128 arrays of 128 Ki numbers (1 MiB each) survive the second collection and are counted.
    // Half of them is the bound: earlier suites in this Jest worker leave memory that may die
    // between the two collections and come off the gap (17 MiB seen on a busy machine).
    expect(large - small).toBeGreaterThan(64 * 2 ** 20);
    expect(kept).toHaveLength(128);
  });

  it('writes an exposition the strict parser accepts, closed-set counters starting at 0', async () => {
    const metrics = new Metrics();
    metrics.httpRequest('api', '/WeatherForecast', 'GET', 200, 0.003);
    metrics.tokenIssued('client_credentials', 'registered', undefined);
    metrics.revocationCheck('mcp', 'valid', 0.0002);
    const families = parsePrometheusText(await metrics.registry.metrics());
    expect(families.get('http_request_duration_seconds')?.type).toBe('histogram');
    expect(sampleSum(families, 'auth_sign_ins_total', { outcome: 'throttled' })).toBe(0);
    expect(
      sampleSum(families, 'http_request_duration_seconds_bucket', { role: 'api', le: '0.005' }),
    ).toBe(1);
    expect(
      sampleSum(families, 'oauth_tokens_issued_total', {
        client_kind: 'registered',
        client_id: '',
      }),
    ).toBe(1);
  });

  it.each([
    ['no final newline', '# TYPE a counter\na 1'],
    ['a sample of no declared family', 'b 1\n'],
    ['a TYPE after its samples', '# TYPE a counter\na 1\n# TYPE a gauge\n'],
    ['an unknown escape', '# TYPE a counter\na{x="\\t"} 1\n'],
    ['a duplicate series', '# TYPE a counter\na{x="1"} 1\na{x="1"} 2\n'],
    ['a value that is no number', '# TYPE a gauge\na one\n'],
    ['an unterminated label set', '# TYPE a gauge\na{x="1" 1\n'],
    [
      'buckets that are not cumulative',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
    ],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n'],
  ])('the parser refuses %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });

  it('serves /metrics alone on its listener', async () => {
    const metrics = new Metrics();
    const server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    try {
      const scrape = await fetch(server.url);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('cache-control')).toBe('no-store');
      expect(parsePrometheusText(await scrape.text()).has('auth_sign_ins_total')).toBe(true);
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
      expect((await fetch(server.url, { method: 'DELETE' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
