#!/usr/bin/env node
// Summarises V8 .cpuprofile files (from `--cpu-prof`, e.g. a bench run with BENCH_CPU_PROF_DIR):
// self time by where the code lives (a package under node_modules, a workspace app or lib, Node's
// own modules, GC, idle) and the top functions by self time.
//   node bench/lib/cpuprofile-summary.mjs <file.cpuprofile>... [--top 25]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;

/** Where a frame's code lives, coarse enough to add up. */
function place(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const ws = url.match(/\/(apps|libs)\/([^/]+)\//);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return url;
}

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  const dt = profile.timeDeltas;
  // Each sample's time is the delta to the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    const d = dt[i + 1] ?? 0;
    counts.set(profile.samples[i], (counts.get(profile.samples[i]) ?? 0) + d);
  }
  const byPlace = new Map();
  const byFn = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of counts) {
    const n = byId.get(id);
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const p = place(url, name);
    byPlace.set(p, (byPlace.get(p) ?? 0) + us);
    const fn = `${name} ${p}${url ? `:${lineNumber + 1}` : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\n== ${basename(file)}: ${(total / 1e6).toFixed(2)} s active, ${(idle / 1e6).toFixed(2)} s idle`);
  console.log('-- self time by place');
  for (const [p, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${p}`);
  console.log('-- top functions by self time');
  for (const [f, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${f}`);
}
