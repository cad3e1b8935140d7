import { type Answer, judge, tailName } from '../scripts/soak/report.mjs';

type Verdict = ReturnType<typeof judge>;

const WARMUP_S = 120;
const END_S = 600;
const SPAN_S = (END_S - WARMUP_S) / 3;

/** `n` answers spread over a third of the load; latencies cycle through 1..10 ms, scaled. */
function third(route: string, which: 'first' | 'last', n: number, scale = 1): Answer[] {
  const start = which === 'first' ? WARMUP_S : END_S - SPAN_S;
  return Array.from({ length: n }, (_, i) => ({
    t: start + (i / n) * SPAN_S,
    route,
    status: 200,
    ms: ((i % 10) + 1) * scale,
  }));
}

function verdictOf(requests: Answer[]): Verdict {
  return judge({
    samples: [],
    requests,
    warmupS: WARMUP_S,
    endS: END_S,
    lost: [],
    unexpected: [],
  });
}

function route(v: Verdict, name: string) {
  const found = v.routes.find((r) => r.route === name);
  if (!found) throw new Error(`no route ${name}`);
  return found;
}
function tailGoal(v: Verdict) {
  const found = v.goals.find((g) => g.goal.startsWith('p99 per route'));
  if (!found) throw new Error('no p99 goal');
  return found;
}

/** The soak's judgement of tail latency (scripts/soak/report.mjs), on made-up request logs. */
describe('soak report: steady tails', () => {
  it('judges a route with 1000 answers a third at p99, and one with 150 at a percentile with 10 answers above it', () => {
    const v = verdictOf([
      ...third('busy', 'first', 1000),
      ...third('busy', 'last', 1000),
      ...third('rare', 'first', 150),
      ...third('rare', 'last', 150),
    ]);
    expect(route(v, 'busy')).toMatchObject({ tail: 0.99, judged: true });
    expect(route(v, 'rare').tail).toBeCloseTo(0.933, 3);
    expect(tailName(route(v, 'rare').tail)).toBe('p93.3');
    expect(tailGoal(v).pass).toBe(true);
  });

  it('is not moved by the two slowest answers of a small route', () => {
    const last = third('rare', 'last', 150);
    const slow = last.map((a, i) => (i === 3 || i === 77 ? { ...a, ms: 500 + i } : a));
    const v = verdictOf([...third('rare', 'first', 150), ...slow]);
    expect(route(v, 'rare').change).toBe(0);
    expect(tailGoal(v).pass).toBe(true);
  });

  it('fails a route whose last third is 30 % slower throughout', () => {
    const v = verdictOf([...third('api', 'first', 1200), ...third('api', 'last', 1200, 1.3)]);
    expect(route(v, 'api').change).toBeCloseTo(0.3, 5);
    expect(tailGoal(v)).toMatchObject({ pass: false });
    expect(tailGoal(v).figure).toContain('api p99');
  });

  it('leaves out the write check after the load, however slow', () => {
    const check = Array.from({ length: 900 }, (_, i) => ({
      t: END_S + i / 100,
      route: 'api',
      status: 200,
      ms: 1000,
    }));
    const v = verdictOf([...third('api', 'first', 1200), ...third('api', 'last', 1200), ...check]);
    expect(route(v, 'api')).toMatchObject({ n: [1200, 1200], change: 0 });
    expect(tailGoal(v).pass).toBe(true);
  });

  it('does not judge a route with fewer than 100 answers in a third', () => {
    const v = verdictOf([
      ...third('api', 'first', 1200),
      ...third('api', 'last', 1200),
      ...third('hostile', 'first', 60),
      ...third('hostile', 'last', 60, 5),
    ]);
    expect(route(v, 'hostile').judged).toBe(false);
    expect(tailGoal(v).pass).toBe(true);
  });
});
