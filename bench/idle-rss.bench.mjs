// Idle memory of every service (issue 16: "RSS idle ≤ 150 MB per service").
//
// System under test: the whole local platform as `npm start` brings it up (scripts/start.mjs,
// built dist/, NODE_ENV=development, tracing on with its default sampler), on its own ports
// (PORT_OFFSET), its own state dir, its own database, its own topics (TOPIC_SUFFIX: its registry
// events must not reach another stack's ingress) and consumer groups, so it shares nothing with a
// stack or tests already running. Once every service answers and the start script
// has provisioned the local tenant, the bench waits `settleMs` with no traffic and reads each
// service's VmRSS from /proc. `settleMs` (40 s) is longer than the idle time after which the
// gateway and the dispatcher give memory back (IDLE_MEMORY_RELEASE_MS, 30 s, ADR 0215): an idle
// service is read as it idles, not in the seconds after its boot.
// Baseline (same run): a bare Node process holding what every service holds at idle — an HTTP
// server, a connected kafkajs producer and a pg connection — the naive floor of a service.
// Knobs (env): IDLE_RSS_SETTLE_MS (40000), IDLE_RSS_PORT_OFFSET (20000).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, readRssMb } from './lib/process.mjs';
import { benchDatabaseUrl, machineInfo, round, row, ROOT, writeResult } from './lib/result.mjs';
import { benchLog, sleep } from './lib/service-bench.mjs';
import { ensureDatabase, ensureKafka } from '../scripts/lib/stack.mjs';

const log = benchLog('idle-rss');
const settleMs = Number(process.env.IDLE_RSS_SETTLE_MS ?? 40000);
const portOffset = Number(process.env.IDLE_RSS_PORT_OFFSET ?? 20000);
const TARGET_MB = 150;
const startedAt = new Date().toISOString();
const machine = machineInfo();

ensureKafka();
const databaseUrl = await ensureDatabase(benchDatabaseUrl());

// ---- baseline: HTTP server + kafkajs producer + pg client, nothing else ----
const baselineSource = `
const http = require('node:http');
const { Kafka, logLevel } = require('kafkajs');
const { Client } = require('pg');
(async () => {
  const producer = new Kafka({ clientId: 'idle-rss-baseline', brokers: [process.env.KAFKA_BROKERS], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query('SELECT 1');
  http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); })
    .listen(Number(process.env.PORT), '127.0.0.1');
})();
`;
const baselinePort = await freePort();
const baselineChild = spawn(process.execPath, ['-e', baselineSource], {
  cwd: ROOT,
  env: { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', DATABASE_URL: databaseUrl, PORT: String(baselinePort) },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const baselinePid = baselineChild.pid;
for (let i = 0; ; i++) {
  if (await fetch(`http://127.0.0.1:${baselinePort}/`).then((r) => r.ok, () => false)) break;
  if (i > 150) throw new Error('the baseline process did not answer within 30 s');
  await sleep(200);
}

// ---- the platform, as npm start runs it ----
const stateDir = mkdtempSync(join(tmpdir(), 'wabridge-idle-rss-'));
const suffix = `idle${Date.now().toString(36)}`;
const groups = {
  CONSUMER_GROUP: `gateway-${suffix}`,
  NORMALIZER_GROUP_ID: `ingress-${suffix}`,
  KAFKA_GROUP_ID: `dispatcher-${suffix}`,
  CONTACTS_CONSUMER_GROUP: `contacts-${suffix}`,
  MEDIA_CONSUMER_GROUP: `media-${suffix}`,
  ANALYTICS_CONSUMER_GROUP: `analytics-${suffix}`,
  NOTIFIER_CONSUMER_GROUP: `notifier-${suffix}`,
  CONVERSATIONS_CONSUMER_GROUP: `conversations-${suffix}`,
  CAMPAIGNS_CONSUMER_GROUP: `campaigns-${suffix}`,
};
log(`starting the platform (PORT_OFFSET=${portOffset}, state in ${stateDir})`);
const stack = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
  cwd: ROOT,
  env: { ...process.env, ...groups, TOPIC_SUFFIX: suffix, PORT_OFFSET: String(portOffset), LOCAL_STATE_DIR: stateDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
const up = new Promise((resolve, reject) => {
  stack.stdout.on('data', (d) => {
    out += d.toString();
    if (out.includes('Ctrl-C stops everything')) resolve();
  });
  stack.on('exit', (code) => reject(new Error(`npm start exited (${code}) before the platform was up:\n${out.slice(-2000)}`)));
});
const stopStack = async () => {
  if (stack.exitCode === null) {
    stack.kill('SIGINT');
    await new Promise((r) => { stack.once('exit', r); setTimeout(r, 20000); });
  }
};
try {
  await Promise.race([up, sleep(300000).then(() => { throw new Error('the platform did not come up within 5 min'); })]);
} catch (err) {
  await stopStack();
  baselineChild.kill();
  throw err;
}

/** The service of each child of the start script (`apps/<name>/dist/main.js` on its command line). */
function serviceProcesses(pid) {
  const children = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (list) children.push(...list.split(/\s+/).map(Number));
  }
  const out = {};
  for (const child of children) {
    try {
      const cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      const m = cmd.map((a) => /apps\/([a-z-]+)\/dist\/main\.js$/.exec(a)).find(Boolean);
      if (m) out[m[1]] = child;
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

log(`up; idle for ${settleMs} ms`);
await sleep(settleMs);
const pids = serviceProcesses(stack.pid);
const baselineMb = readRssMb(baselinePid);
const services = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readRssMb(pid)]).sort(([a], [b]) => a.localeCompare(b)));
await stopStack();
baselineChild.kill();
rmSync(stateDir, { recursive: true, force: true });

for (const [name, mb] of Object.entries(services)) log(`${name.padEnd(14)} ${round(mb, 0)} MB`);
log(`baseline       ${round(baselineMb, 0)} MB`);
const over = Object.entries(services).filter(([, mb]) => mb > TARGET_MB).map(([n]) => n);
writeResult({
  bench: 'idle-rss',
  startedAt,
  finishedAt: new Date().toISOString(),
  machine,
  config: { settleMs, portOffset, nodeEnv: 'development (npm start)', tracing: 'on, default sampler' },
  summary: [
    ...Object.entries(services).map(([name, mb]) => row(`${name} RSS idle`, 'MB', mb, baselineMb, { better: 'lower', target: `≤ ${TARGET_MB} MB` })),
    row('largest service RSS idle', 'MB', Math.max(...Object.values(services)), baselineMb, { better: 'lower', target: `≤ ${TARGET_MB} MB`, note: over.length ? `over: ${over.join(', ')}` : 'all within target' }),
  ],
  details: { services, baselineMb, groups },
});
process.exit(0);
