// Servers under test run as child processes, so their RSS and CPU are their own and the load
// generator (this process) does not share their event loop.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// A port nothing listens on now, never one this process has handed out before: the test
// harness's (libs/testing, built by the bench runner with everything else).
export { freePort } from '../../libs/testing/dist/service-process.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const running = new Set();
// A bench that throws must not leave servers behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node <entry>` with `env` (merged over this process' env) and waits until
 * `GET <readyPath>` answers 2xx on 127.0.0.1:<port>. `execArgv`: node flags before the entry
 * (e.g. `--cpu-prof`; the profile is written when the process exits on SIGTERM).
 * BENCH_PROCESS_LOG_DIR: each process' whole stdout and stderr also go to `<dir>/<name>.log`
 * (the result keeps only a tail, and only when the bench fails).
 */
export async function startNodeProcess({ name, entry, port, managementPort, env = {}, execArgv = [], readyPath = '/health/live', timeoutMs = 60000 }) {
  // gateway/ingress serve /health/* and /metrics on MANAGEMENT_PORT only (ADR 0074)
  const management = managementPort ? { MANAGEMENT_PORT: String(managementPort) } : {};
  const child = spawn(process.execPath, [...execArgv, entry], {
    env: { ...process.env, ...env, ...management, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (process.env.BENCH_PROCESS_LOG_DIR) {
    mkdirSync(process.env.BENCH_PROCESS_LOG_DIR, { recursive: true });
    const file = createWriteStream(join(process.env.BENCH_PROCESS_LOG_DIR, `${name}.log`), { flags: 'a' });
    child.stdout.pipe(file, { end: false });
    child.stderr.pipe(file, { end: false });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));
  const url = `http://127.0.0.1:${port}`;
  const managementUrl = managementPort ? `http://127.0.0.1:${managementPort}` : url;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    const ok = await fetch(managementUrl + readyPath).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready on ${managementUrl}${readyPath} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }
  return {
    name,
    pid: child.pid,
    url,
    managementUrl,
    output: () => output,
    /** null while it runs, else its exit code or signal. */
    exited: () => child.exitCode ?? child.signalCode,
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 10000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const res = await exited;
      clearTimeout(timer);
      return res;
    },
  };
}

let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size of `pid` in MB (VmRSS of /proc/<pid>/status), or null if gone. */
export function readRssMb(pid) {
  return readStatusMb(pid, 'VmRSS');
}

/** The process's peak resident set since it started (VmHWM), in MB; null when unreadable. */
export function readPeakRssMb(pid) {
  return readStatusMb(pid, 'VmHWM');
}

function readStatusMb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** User+system CPU seconds `pid` has used so far (/proc/<pid>/stat fields 14 and 15). */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // field 3 onwards
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/**
 * Samples RSS every `intervalMs` and CPU at start/stop while a load phase runs.
 * `stop()` returns { rssPeakMb, rssMeanMb, rssEndMb, cpuSeconds, samples }.
 */
export function sampleProcess(pid, intervalMs = 200) {
  const samples = [];
  const cpuStart = readCpuSeconds(pid);
  const take = () => {
    const mb = readRssMb(pid);
    if (mb !== null) samples.push(mb);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const cpuEnd = readCpuSeconds(pid);
      return {
        rssPeakMb: samples.length ? Math.max(...samples) : null,
        rssMeanMb: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : null,
        rssEndMb: samples.at(-1) ?? null,
        cpuSeconds: cpuStart !== null && cpuEnd !== null ? cpuEnd - cpuStart : null,
        samples: samples.length,
      };
    },
  };
}

/**
 * Waits until `pid` has used less than `maxCores` of a core over the last `windowMs` (it has
 * finished what an earlier phase left it: outcome writes, lease releases, catching up), at most
 * `maxWaitMs`. Returns { waitedMs, settled, lastCores } so a result can say how long it took.
 */
export async function waitUntilIdle(pid, { maxCores = 0.05, windowMs = 1000, maxWaitMs = 15000 } = {}) {
  const started = Date.now();
  let lastCores = null;
  for (;;) {
    const cpu0 = readCpuSeconds(pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const cpu1 = readCpuSeconds(pid);
    if (cpu0 === null || cpu1 === null) return { waitedMs: Date.now() - started, settled: false, lastCores: null };
    lastCores = (cpu1 - cpu0) / ((Date.now() - t0) / 1000);
    if (lastCores < maxCores) return { waitedMs: Date.now() - started, settled: true, lastCores: Math.round(lastCores * 1000) / 1000 };
    if (Date.now() - started >= maxWaitMs) return { waitedMs: Date.now() - started, settled: false, lastCores: Math.round(lastCores * 1000) / 1000 };
  }
}
