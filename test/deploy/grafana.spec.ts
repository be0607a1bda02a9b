/**
 * Every Grafana dashboard in deploy/base/observability/dashboards: valid JSON Grafana can load
 * (unique uid and panel ids, each query on the `$datasource` variable), shipped by the base
 * kustomization, and every PromQL expression names only metrics that exist: registered by a
 * service through libs/telemetry's counter/gauge/histogram (found in the sources), Node's
 * default metrics (prom-client), or the Kafka exporter's consumer lag. A renamed metric fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents */
type Obj = Record<string, any>;

const ROOT = join(__dirname, '..', '..');
const DIR = 'deploy/base/observability/dashboards';
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(name)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out;
}

/** Names passed to libs/telemetry's `counter(`, `gauge(`, `histogram(` (type arguments and line breaks allowed). */
function registeredMetrics(): Set<string> {
  const sources = [...filesUnder('apps', /\.ts$/), ...filesUnder('libs', /\.ts$/)].filter((f) => !/\.(int-|e2e-)?spec\.ts$/.test(f) && !f.includes('/testing/'));
  const names = new Set<string>();
  for (const f of sources) {
    for (const m of read(f).matchAll(/\b(?:counter|gauge|histogram)\s*(?:<[^>]*>)?\(\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) names.add(m[1]!);
  }
  return names;
}

/** What Node's default metrics are called (libs/telemetry enables them on every service). */
async function defaultMetrics(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

/** Provided outside the services: the Kafka exporter (Strimzi / kafka-exporter in compose). */
const EXTERNAL = new Set(['kafka_consumergroup_lag']);

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels, strings or Grafana variables. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?\w+\}?/g, ' '); // Grafana variables
  // numbers and durations (0.95, 1h, 1e3) are consumed whole so that their letters are not names
  return [...stripped.matchAll(/\d[\w.]*|([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => m[1] !== undefined && m[2] === undefined && !KEYWORDS.has(m[1].toLowerCase()))
    .map((m) => m[1]!);
}

/** A histogram is queried through its series: `_bucket`, `_sum`, `_count`. */
const baseName = (name: string, known: Set<string>): string => {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return known.has(name) ? name : base;
};

function panelsOf(dashboard: Obj): Obj[] {
  return (dashboard.panels as Obj[]).flatMap((p) => [p, ...((p.panels as Obj[] | undefined) ?? [])]);
}

describe('metricNamesIn (the PromQL scan itself)', () => {
  it('finds the metrics and skips functions, labels, strings, ranges and variables', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{service="analytics", route=~"a|b"}[$__rate_interval])))'))
      .toEqual(['http_server_request_duration_seconds_bucket']);
    expect(metricNamesIn('sum(rate(a_total[5m])) / ignoring(x) sum(b_total offset 1h) > bool 0 or c_gauge'))
      .toEqual(['a_total', 'b_total', 'c_gauge']);
  });
});

const dashboards = filesUnder(DIR, /\.json$/);

describe.each(dashboards)('Grafana dashboard %s', (file) => {
  const dashboard = JSON.parse(read(file)) as Obj;
  const panels = panelsOf(dashboard);
  const targets: Obj[] = panels.flatMap((p) => (p.targets as Obj[] | undefined) ?? []);

  it('loads in Grafana: a uid, unique panel ids on a grid, every query on the $datasource variable with a refId', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(typeof dashboard.title).toBe('string');
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) expect(p.gridPos).toEqual({ x: expect.any(Number), y: expect.any(Number), w: expect.any(Number), h: expect.any(Number) });
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(typeof t.expr).toBe('string');
      expect(t.refId).toMatch(/^[A-Z]$/);
    }
    expect(dashboard.templating.list.find((v: Obj) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });

  it('queries only metrics a service registers, Node\'s defaults or the Kafka exporter', async () => {
    const known = new Set([...registeredMetrics(), ...(await defaultMetrics()), ...EXTERNAL]);
    const exprs = [
      ...targets.map((t) => t.expr as string),
      ...(dashboard.templating.list as Obj[]).flatMap((v) => (typeof v.definition === 'string' ? [v.definition.replace(/^label_values\(([^,)]+).*$/, '$1')] : [])),
    ];
    const used = new Set(exprs.flatMap(metricNamesIn).map((n) => baseName(n, known)));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((m) => !known.has(m))).toEqual([]);
  });

  it('is shipped to Grafana by the base kustomization (compose mounts the folder)', () => {
    const k = parse(read('deploy/base/kustomization.yaml')) as Obj;
    const gen = (k.configMapGenerator as Obj[]).find((g) => g.name === 'wabridge-grafana-dashboards')!;
    expect(gen.files).toContain(relative('deploy/base', file));
  });
});

describe('the analytics dashboard', () => {
  it('shows the fold\'s rate by topic, its dedupe, skipped events, its lag and the consumers\' DLQs', () => {
    const exprs = panelsOf(JSON.parse(read(`${DIR}/wabridge-analytics.json`)) as Obj).flatMap((p) => ((p.targets as Obj[] | undefined) ?? []).map((t) => t.expr as string));
    expect(exprs).toEqual(expect.arrayContaining([
      'sum by (topic) (rate(analytics_events_folded_total[$__rate_interval]))',
      'sum by (topic) (rate(analytics_rollup_increments_total[$__rate_interval]))',
      'sum(kafka_consumergroup_lag{consumergroup="analytics"})',
    ]));
    expect(exprs.some((e) => e.includes('analytics_events_skipped_total'))).toBe(true);
    expect(exprs.some((e) => e.includes('kafka_consumer_dead_lettered_total'))).toBe(true);
  });
});
