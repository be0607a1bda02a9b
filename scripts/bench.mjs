// `npm run bench [-- <name> …]`: runs bench/<name>.bench.mjs (all of them without names), each
// as its own process, after starting Kafka if needed, preparing the databases and building.
// Each bench writes bench/results/<name>-<timestamp>.json; this script then rewrites
// bench/results/REPORT.md from the newest result of every bench. Flags: --no-build, --list.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll, DEFAULT_DATABASE_URL, ensureDatabase, ensureKafka, ROOT } from './lib/stack.mjs';

const BENCH_DIR = join(ROOT, 'bench');
const RESULTS_DIR = join(BENCH_DIR, 'results');
// A bench must stop by itself well before this; the runner kills it after.
const HARD_TIMEOUT_MS = Number(process.env.BENCH_HARD_TIMEOUT_MS ?? 10 * 60 * 1000);

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const names = args.filter((a) => !a.startsWith('--'));
const available = readdirSync(BENCH_DIR).filter((f) => f.endsWith('.bench.mjs')).map((f) => f.slice(0, -'.bench.mjs'.length)).sort();

if (flags.has('--list')) {
  console.log(available.join('\n'));
  process.exit(0);
}
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`bench: no bench/${unknown[0]}.bench.mjs; available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const selected = names.length > 0 ? names : available;
if (selected.length === 0) {
  console.error('bench: no bench/*.bench.mjs files');
  process.exit(2);
}

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const benchDbUrl = (() => {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const u = new URL(databaseUrl);
  u.pathname = '/wabridge_bench';
  return u.toString();
})();

console.log(`bench: node ${process.version}, ${selected.join(', ')}`);
ensureKafka();
await ensureDatabase(databaseUrl);
await ensureDatabase(benchDbUrl);
if (!flags.has('--no-build')) {
  try {
    buildAll();
  } catch (err) {
    // Other workspaces may be mid-change; a bench whose app built still gives numbers.
    console.error(`bench: build failed (${err.message}); running benches against the dist/ that exists`);
  }
}

const outcomes = [];
for (const name of selected) {
  console.log(`\nbench: ── ${name} ──`);
  const t0 = Date.now();
  const res = spawnSync(process.execPath, [join(BENCH_DIR, `${name}.bench.mjs`)], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: HARD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_DATABASE_URL: benchDbUrl, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
  });
  const ok = res.status === 0;
  outcomes.push({ name, ok, seconds: Math.round((Date.now() - t0) / 1000), status: res.status ?? res.signal });
}

writeReport();
console.log('\nbench: summary');
for (const o of outcomes) console.log(`  ${o.ok ? 'ok    ' : 'FAILED'} ${o.name} (${o.seconds}s${o.ok ? '' : `, exit ${o.status}`})`);
console.log(`bench: report in ${join('bench', 'results', 'REPORT.md')}`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);

/** Newest result per bench name, rendered as one table each. */
function writeReport() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const latest = new Map();
  for (const file of readdirSync(RESULTS_DIR).sort()) {
    const m = /^(.+)-(\d{8}T\d{6,9}Z)\.json$/.exec(file);
    if (m) latest.set(m[1], file); // sorted by timestamp, so the last one wins
  }
  const lines = [
    '# Benchmark report',
    '',
    `Written by \`npm run bench\` at ${new Date().toISOString()} from the newest result of each bench in`,
    '`bench/results/`. `value` is the system under test, `baseline` the naive comparison measured in the',
    'same run, `ratio` = value / baseline. See bench/README.md for what each number means.',
    '',
  ];
  for (const [name, file] of [...latest].sort()) {
    let result;
    try {
      result = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8'));
    } catch (err) {
      lines.push(`## ${name}`, '', `unreadable result ${file}: ${err.message}`, '');
      continue;
    }
    const m = result.machine ?? {};
    lines.push(`## ${name}`, '', `${file} — started ${result.startedAt ?? '?'}; ${m.cpus ?? '?'} CPUs, load avg ${(m.loadAvg ?? []).join(' ')}, node ${m.node ?? '?'}`, '');
    const rows = Array.isArray(result.summary) ? result.summary : fallbackRows(result);
    lines.push('| metric | value | baseline | ratio | target |', '|---|---:|---:|---:|---|');
    for (const r of rows) {
      const unit = r.unit ? ` ${r.unit}` : '';
      lines.push(`| ${r.metric} | ${fmt(r.value)}${unit} | ${r.baseline === undefined ? '' : fmt(r.baseline) + unit} | ${r.ratio === undefined || r.ratio === null ? '' : fmt(r.ratio)} | ${r.target ?? ''} |`);
    }
    if (result.targets && typeof result.targets === 'object') {
      const t = Object.entries(result.targets).map(([k, v]) => `${k} ${v.met ? 'met' : 'NOT met'} (${v.got} vs ${v.want})`);
      if (t.length > 0) lines.push('', `Targets: ${t.join('; ')}.`);
    }
    lines.push('');
  }
  writeFileSync(join(RESULTS_DIR, 'REPORT.md'), lines.join('\n'));
}

/** For results without `summary`: every top-level number, flattened one level. */
function fallbackRows(result) {
  const rows = [];
  const walk = (obj, prefix, depth) => {
    for (const [k, v] of Object.entries(obj ?? {})) {
      if (typeof v === 'number') rows.push({ metric: prefix + k, value: v });
      else if (v && typeof v === 'object' && !Array.isArray(v) && depth > 0 && k !== 'machine' && k !== 'config') walk(v, `${prefix}${k}.`, depth - 1);
    }
  };
  walk(result, '', 1);
  return rows;
}

function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  return String(v);
}
