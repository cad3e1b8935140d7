/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests:
 * prom-client writes the format but has no parser. Anything the format does not allow throws
 * with the line number: malformed names, label syntax or values, unknown escapes, a TYPE after
 * its samples or twice, samples of undeclared families, duplicate series, histograms whose
 * buckets are not cumulative or miss +Inf, a missing final newline.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly samples: Sample[];
}

const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

const isNameStart = (c: string) => /[a-zA-Z_:]/.test(c);
const isNameChar = (c: string) => /[a-zA-Z0-9_:]/.test(c);

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with \\n');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) return readComment(line, families, fail);
    const sample = readSample(line, fail);
    const family = familyOf(sample.name, families) ?? fail('sample of an undeclared family');
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) fail('duplicate series');
    seen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

function readComment(
  line: string,
  families: Map<string, Family>,
  fail: (why: string) => never,
): void {
  const parts = line.split(' ');
  if (parts[0] !== '#' || (parts[1] !== 'HELP' && parts[1] !== 'TYPE')) return;
  const name = parts[2] ?? '';
  if (!isMetricName(name)) fail('bad metric name');
  const rest = parts.slice(3).join(' ');
  const existing = families.get(name);
  if (parts[1] === 'TYPE') {
    if (!TYPES.has(rest)) fail('unknown type');
    if (existing && existing.type !== 'untyped') fail('second TYPE');
    if (existing && existing.samples.length > 0) fail('TYPE after samples');
    families.set(name, { name, type: rest as MetricType, help: existing?.help, samples: [] });
  } else {
    if (existing?.help !== undefined) fail('second HELP');
    const help = unescape(rest, false, fail);
    families.set(name, { name, type: existing?.type ?? 'untyped', help, samples: [] });
  }
}

function readSample(line: string, fail: (why: string) => never): Sample {
  let at = 0;
  while (at < line.length && isNameChar(line[at]!)) at += 1;
  const name = line.slice(0, at);
  if (!isMetricName(name)) fail('bad metric name');
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at += 1;
    while (line[at] !== '}') {
      const start = at;
      while (at < line.length && isNameChar(line[at]!) && line[at] !== ':') at += 1;
      const label = line.slice(start, at);
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) fail('bad label name');
      if (label in labels) fail('label repeated');
      if (line[at] !== '=' || line[at + 1] !== '"') fail('expected ="');
      at += 2;
      let raw = '';
      while (at < line.length && line[at] !== '"') {
        if (line[at] === '\\') {
          raw += line.slice(at, at + 2);
          at += 2;
        } else {
          raw += line[at];
          at += 1;
        }
      }
      if (line[at] !== '"') fail('unterminated label value');
      at += 1;
      labels[label] = unescape(raw, true, fail);
      if (line[at] === ',') at += 1;
      else if (line[at] !== '}') fail('expected , or }');
    }
    at += 1;
  }
  if (line[at] !== ' ') fail('expected a space before the value');
  const fields = line.slice(at + 1).split(' ');
  if (fields.length > 2 || fields.some((field) => field === '')) fail('bad value fields');
  const value = parseValue(fields[0]!, fail);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) fail('bad timestamp');
  return { name, labels, value };
}

function parseValue(raw: string, fail: (why: string) => never): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  // Prometheus reads values with Go's ParseFloat, which takes NaN in any case (prom-client
  // writes "Nan" for an empty event-loop histogram).
  if (raw.toLowerCase() === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) fail('bad value');
  return Number(raw);
}

function unescape(raw: string, quoted: boolean, fail: (why: string) => never): string {
  let out = '';
  for (let at = 0; at < raw.length; at += 1) {
    const c = raw[at]!;
    if (c !== '\\') {
      if (c === '\n' || (quoted && c === '"')) fail('unescaped character');
      out += c;
      continue;
    }
    const next = raw[at + 1];
    at += 1;
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === '"' && quoted) out += '"';
    else fail('unknown escape');
  }
  return out;
}

function isMetricName(name: string): boolean {
  return name.length > 0 && isNameStart(name[0]!) && [...name].every(isNameChar);
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  for (const family of families.values()) {
    for (const suffix of SUFFIXES[family.type]) {
      if (sampleName === family.name + suffix) return family;
    }
  }
  return undefined;
}

/** Buckets cumulative per series, `le` ascending, ending at +Inf equal to `_count`. */
function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  const counts = new Map<string, number>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      series.set(key, [...(series.get(key) ?? []), sample]);
    } else if (sample.name.endsWith('_count')) counts.set(key, sample.value);
  }
  for (const [key, buckets] of series) {
    const bounds = buckets.map((b) => parseValue(b.labels.le!, (why) => fail(key, why)));
    bounds.forEach((bound, i) => {
      if (i > 0 && !(bound > bounds[i - 1]!)) fail(key, 'le not ascending');
      if (i > 0 && buckets[i]!.value < buckets[i - 1]!.value) fail(key, 'not cumulative');
    });
    if (bounds.at(-1) !== Infinity) fail(key, 'no +Inf bucket');
    if (buckets.at(-1)!.value !== counts.get(key)) fail(key, '+Inf bucket differs from _count');
  }
  function fail(key: string, why: string): never {
    throw new Error(`${family.name}${key}: ${why}`);
  }
}

/** The sum of a family's samples named `name` whose labels include `labels`. */
export function sampleSum(
  families: Map<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) sum += sample.value;
    }
  }
  return sum;
}
