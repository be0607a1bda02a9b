// Where bench results go and what they look like (the runner's REPORT.md reads `summary`).
//
// A result is one JSON object:
//   { bench, startedAt, finishedAt, machine, config, summary: [SummaryRow], details }
// where SummaryRow = { metric, unit, value, baseline?, ratio?, better: 'higher'|'lower', target?, note? }.
// `value` is the system under test, `baseline` the naive comparison measured in the same run,
// `ratio` = value / baseline. Everything else (raw load-generator stats, RSS samples) goes in `details`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** `20251125T133000123Z`: sortable, safe in file names. */
export function fileTimestamp(date = new Date()) {
  return date.toISOString().replace(/[-:.]/g, '');
}

export function machineInfo() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    totalMemMb: Math.round(totalmem() / 1048576),
    loadAvg: loadavg().map((n) => Number(n.toFixed(2))),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function round(n, digits = 2) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n ?? null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** One line of the report table. The ratio is computed here so every bench rounds it alike. */
export function row(metric, unit, value, baseline, { better = 'higher', target, note } = {}) {
  const out = { metric, unit, value: round(value), better };
  if (baseline !== undefined && baseline !== null) {
    out.baseline = round(baseline);
    out.ratio = typeof value === 'number' && typeof baseline === 'number' && baseline !== 0 ? round(value / baseline, 3) : null;
  }
  if (target !== undefined) out.target = target;
  if (note !== undefined) out.note = note;
  return out;
}

/** Writes `bench/results/<bench>-<timestamp>.json`, prints the JSON, returns the path. */
export function writeResult(result) {
  if (!result.bench || !/^[a-z0-9][a-z0-9-]*$/.test(result.bench)) throw new Error(`bad bench name ${result.bench}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.bench}-${fileTimestamp(new Date(result.startedAt ?? Date.now()))}.json`);
  const json = JSON.stringify(result, null, 2);
  writeFileSync(file, json + '\n');
  process.stdout.write(json + '\n');
  process.stdout.write(`bench: wrote ${file}\n`);
  return file;
}

/** A positive integer setting from env (BENCH_*), or its default; anything else stops the bench. */
export function intEnv(name, def) {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
}

/** Where benches keep their schemas: BENCH_DATABASE_URL, else DATABASE_URL's server with database `wabridge_bench`. */
export function benchDatabaseUrl() {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge');
  url.pathname = '/wabridge_bench';
  return url.toString();
}
