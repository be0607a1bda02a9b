#!/usr/bin/env node
// The longest stretches a V8 .cpuprofile's thread ran without going idle (an event loop blocked
// that long), each with its wall-clock start (profile startTime is µs since an arbitrary origin,
// so offsets are from the profile's start) and what ran in it: self time by function, and by the
// outermost frames of the workspace's own code (apps/, libs/), which say whose work it was.
//   node bench/lib/cpuprofile-stalls.mjs <file.cpuprofile> [--top 5] [--min-ms 40]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : dflt;
};
const top = opt('--top', 5);
const minMs = opt('--min-ms', 40);
const profile = JSON.parse(readFileSync(args[0], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${(n.callFrame.url || '').replace(/^.*\/(node_modules|apps|libs)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const idle = (n) => n.callFrame.functionName === '(idle)';

// stretches of consecutive non-idle samples
const stretches = [];
let t = profile.startTime;
let cur = null;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i];
  const n = byId.get(id);
  if (idle(n)) {
    if (cur) stretches.push(cur);
    cur = null;
    return;
  }
  cur ??= { start: t, end: t, samples: [] };
  cur.end = t;
  cur.samples.push({ id, dt: profile.timeDeltas[i + 1] ?? 0 });
});
if (cur) stretches.push(cur);
const long = stretches.map((s) => ({ ...s, ms: (s.end - s.start) / 1000 })).filter((s) => s.ms >= minMs).sort((a, b) => b.ms - a.ms).slice(0, top);
console.log(`${stretches.length} busy stretches; ${long.length} of ≥ ${minMs} ms shown`);
for (const s of long) {
  console.log(`\n${s.ms.toFixed(1)} ms busy from +${((s.start - profile.startTime) / 1e6).toFixed(3)} s`);
  const self = new Map();
  const own = new Map();
  for (const { id, dt } of s.samples) {
    const n = byId.get(id);
    self.set(label(n), (self.get(label(n)) ?? 0) + dt);
    // the outermost apps/ or libs/ frame on the stack
    let outer = null;
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const f = byId.get(p);
      if (/\/(apps|libs)\/[^/]+\/(src|dist)\//.test(f.callFrame.url) && !f.callFrame.url.includes('node_modules')) outer = label(f);
    }
    const k = outer ?? '(no workspace frame)';
    own.set(k, (own.get(k) ?? 0) + dt);
  }
  const show = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `    ${(v / 1000).toFixed(1).padStart(7)} ms  ${k}`).join('\n');
  console.log(`  self:\n${show(self)}\n  by outermost workspace frame:\n${show(own)}`);
}
