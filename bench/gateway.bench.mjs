// `npm run bench -- gateway` (issue 5, "Benchmark"): accepted sends/s and latency of the built
// gateway's `POST /v1/messages` with durable produce (acks=all, row + produce in one DB
// transaction, a unique Idempotency-Key per request), against ingress' naive baseline harness
// (bench/lib/baseline-webhook-server.mjs: node:http + kafkajs, one acks=all produce per request,
// no database) loaded with the same JSON bodies, in the same run.
//
// Phases, each server in turn: warm-up (closed, 16 conn, 3 s) → max (closed loop,
// BENCH_CONNECTIONS=64, BENCH_DURATION_SEC=10) → half (open loop at half the gateway's max).
// Checks that every 202 is on wa.outbound.requested.v1 (answered but not in Kafka must be 0).
// Self-contained: starts the gateway and the baseline, seeds a tenant/number through the admin
// API, uses a random topic suffix and its own schema in wabridge_bench, removes both at the end.
// BENCH_CPU_PROF_DIR=<dir>: the gateway runs with --cpu-prof and leaves its .cpuprofile there
// (how ADR 0192's profile was taken; the profiler slows it, so numbers of such a run are not results).
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import pg from 'pg';
import { benchKafka, createTopic, deleteBenchTopics, messageCount, produceRoundTrips } from './lib/kafka.mjs';
import { closedLoop, httpLoadConfig, openLoop } from './lib/load.mjs';
import { freePort, readRssMb, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { machineInfo, ROOT, round, row, writeResult, intEnv, benchDatabaseUrl } from './lib/result.mjs';

const int = intEnv;
const config = {
  ...httpLoadConfig(),
  dbPoolSize: int('BENCH_GATEWAY_DB_POOL', 40),
  cpuProfDir: process.env.BENCH_CPU_PROF_DIR || null,
  // A/B runs on a shared machine: the open loop at a fixed rate, so both builds get the same load.
  halfRate: process.env.BENCH_GATEWAY_HALF_RATE ? int('BENCH_GATEWAY_HALF_RATE', 0) : null,
};

const log = (msg) => process.stderr.write(`[gateway bench] ${msg}\n`);
if (Number(process.versions.node.split('.')[0]) < 24) log(`warning: node ${process.version}; run it through npm (node@24 from node_modules)`);
const entry = join(ROOT, 'apps', 'gateway', 'dist', 'main.js');
if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run bench builds)`);

const startedAt = new Date().toISOString();
const loadAvgAtStart = loadavg().map((n) => round(n, 2)); // the machine is shared: read ratios, note the load
const suffix = `bench${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const schema = `gateway_${suffix}`;
const adminToken = randomBytes(24).toString('hex');
const appId = 'bench-app';
const appSecret = randomBytes(16).toString('hex');
const phoneNumberId = `1${Date.now()}`.slice(0, 15);
const gatewayTopic = `wa.outbound.requested.v1.${suffix}`;
const baselineTopic = `bench.baseline.send.${suffix}`;
const kafka = benchKafka('bench-gateway');
const servers = {};
const accepted = { gateway: 0, baseline: 0 };
const phases = { gateway: {}, baseline: {} };
let failure = null;

/** Send bodies: text messages, a few kinds, unique idempotency key and body per request. */
function sendRequests(apiKey) {
  const runTag = randomBytes(3).toString('hex');
  let n = 0;
  const body = (i) => {
    const kind = i % 3;
    const base = { phoneNumberId, to: '+14155550123', metadata: { run: runTag, seq: String(i) } };
    if (kind === 0) return { ...base, type: 'text', text: { body: `Order ${i} is ready for pickup` } };
    if (kind === 1) return { ...base, type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: String(i) }] }] } };
    return { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'Confirm?' }, action: { buttons: [{ type: 'reply', reply: { id: `y${i}`, title: 'Yes' } }, { type: 'reply', reply: { id: `n${i}`, title: 'No' } }] } } };
  };
  return {
    gateway: {
      path: '/v1/messages',
      next() {
        const i = n++;
        return {
          body: Buffer.from(JSON.stringify(body(i))),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'idempotency-key': `${runTag}-${i}` },
        };
      },
    },
    // Same bodies to the baseline, HMAC-signed as it requires.
    baseline: {
      path: `/webhooks/meta/${appId}`,
      next() {
        const raw = Buffer.from(JSON.stringify(body(n++)));
        return { body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}` } };
      },
    },
  };
}

async function admin(method, path, body) {
  const res = await fetch(`${servers.gateway.url}${path}`, {
    method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function measure(name, label, run) {
  const proc = servers[name];
  const sampler = sampleProcess(proc.pid);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const stats = await run(proc.url);
  const s = sampler.stop();
  const endedAt = new Date().toISOString();
  accepted[name] += stats.ok;
  const result = {
    ...stats,
    startedAt, endedAt,
    server: {
      rssPeakMb: round(s.rssPeakMb, 1), cpuSeconds: round(s.cpuSeconds, 2),
      cpuMsPerOkRequest: stats.ok > 0 && s.cpuSeconds !== null ? round((s.cpuSeconds * 1000) / stats.ok, 3) : null,
      cpuCores: round(s.cpuSeconds / ((performance.now() - t0) / 1000), 2),
    },
  };
  phases[name][label] = result;
  log(`${name} ${label}: ${stats.rps} req/s ok, p50 ${stats.latencyMs.p50} ms, p99 ${stats.latencyMs.p99} ms, non2xx ${stats.non2xx} ${JSON.stringify(stats.statusCodes)}, errors ${stats.errors}, cpu ${result.server.cpuCores} cores`);
  return result;
}

try {
  const probeTopic = `bench.probe.${suffix}`;
  await createTopic(kafka, probeTopic, 1);
  await createTopic(kafka, baselineTopic, config.partitions);
  const probe = await produceRoundTrips(kafka, probeTopic, 20);
  const brokerRtt = { p50: round(probe[Math.floor(probe.length / 2)], 2), max: round(probe.at(-1), 2) };
  log(`broker: acks=all produce round trip p50 ${brokerRtt.p50} ms`);
  const [gatewayPort, baselinePort] = [await freePort(), await freePort()];
  servers.gateway = await startNodeProcess({
    name: 'gateway', entry, port: gatewayPort, managementPort: await freePort(), timeoutMs: 90000,
    execArgv: config.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', config.cpuProfDir] : [],
    env: {
      NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', KAFKA_PARTITIONS: String(config.partitions), TOPIC_SUFFIX: suffix,
      DATABASE_URL: benchDatabaseUrl(), DATABASE_SCHEMA: schema, DB_POOL_SIZE: String(config.dbPoolSize),
      ADMIN_TOKEN: adminToken, INTERNAL_TOKEN: randomBytes(24).toString('hex'), ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      CONSUMER_GROUP: `bench-gateway-${suffix}`, RATE_LIMIT_PER_MINUTE: '100000000',
    },
  });
  servers.baseline = await startNodeProcess({
    name: 'baseline', entry: join(ROOT, 'bench', 'lib', 'baseline-webhook-server.mjs'), port: baselinePort,
    env: { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', BASELINE_TOPIC: baselineTopic, META_APP_ID: appId, META_APP_SECRET: appSecret },
  });
  const tenant = await admin('POST', '/admin/v1/tenants', { name: 'bench' });
  await admin('POST', '/admin/v1/apps', { appId, appSecret, verifyToken: 'bench' });
  await admin('POST', `/admin/v1/tenants/${tenant.id}/phone-numbers`, { phoneNumberId, displayPhoneNumber: '+1 555 0100', wabaId: phoneNumberId, appId, accessToken: 'bench-token' });
  const requests = sendRequests(tenant.apiKey.key);
  const rssIdle = { gateway: readRssMb(servers.gateway.pid), baseline: readRssMb(servers.baseline.pid) };

  const closed = (name, connections, durationSec) => (url) =>
    closedLoop({ url, path: requests[name].path, connections, durationSec, makeRequest: () => requests[name].next() });
  const open = (name, rate) => (url) =>
    openLoop({ url, path: requests[name].path, rate, durationSec: config.durationSec, makeRequest: () => requests[name].next() });

  await measure('gateway', 'warmup', closed('gateway', config.warmupConnections, config.warmupSec));
  await measure('baseline', 'warmup', closed('baseline', config.warmupConnections, config.warmupSec));
  const gMax = await measure('gateway', 'max', closed('gateway', config.connections, config.durationSec));
  const bMax = await measure('baseline', 'max', closed('baseline', config.connections, config.durationSec));
  const halfRate = config.halfRate ?? Math.max(1, Math.floor(gMax.rps / 2));
  log(`open loop at ${halfRate} req/s (${config.halfRate ? 'BENCH_GATEWAY_HALF_RATE' : "half of the gateway's max"})`);
  const gHalf = await measure('gateway', 'half', open('gateway', halfRate));
  const bHalf = await measure('baseline', 'half', open('baseline', halfRate));

  const inKafka = { gateway: await messageCount(kafka, gatewayTopic), baseline: await messageCount(kafka, baselineTopic) };
  const lost = { gateway: Math.max(0, accepted.gateway - inKafka.gateway), baseline: Math.max(0, accepted.baseline - inKafka.baseline) };
  const failed = (p) => p.non2xx + p.errors;
  const ratio = bMax.rps > 0 ? gMax.rps / bMax.rps : null;
  const summary = [
    row('broker acks=all round trip before load (p50 of 20, context)', 'ms', brokerRtt.p50, undefined, { better: 'lower' }),
    row(`accepted sends/s (closed loop, ${config.connections} conn, ${config.durationSec} s)`, 'req/s', gMax.rps, bMax.rps, { better: 'higher', note: 'baseline: no auth, no validation, no DB, one produce per request' }),
    row('p50 latency at max rate', 'ms', gMax.latencyMs.p50, bMax.latencyMs.p50, { better: 'lower' }),
    row('p99 latency at max rate', 'ms', gMax.latencyMs.p99, bMax.latencyMs.p99, { better: 'lower' }),
    row(`achieved sends/s, open loop at ${halfRate} req/s`, 'req/s', gHalf.rps, bHalf.rps, { better: 'higher' }),
    row('p50 latency at half max rate', 'ms', gHalf.latencyMs.p50, bHalf.latencyMs.p50, { better: 'lower' }),
    row('p99 latency at half max rate', 'ms', gHalf.latencyMs.p99, bHalf.latencyMs.p99, { better: 'lower' }),
    row('RSS idle after boot', 'MB', rssIdle.gateway, rssIdle.baseline, { better: 'lower' }),
    row('server CPU per accepted send (max rate)', 'ms', gMax.server.cpuMsPerOkRequest, bMax.server.cpuMsPerOkRequest, { better: 'lower' }),
    row('failed requests (non-2xx + errors, all phases)', 'count',
      Object.values(phases.gateway).reduce((a, p) => a + failed(p), 0), Object.values(phases.baseline).reduce((a, p) => a + failed(p), 0), { better: 'lower' }),
    row('answered 202 but not in Kafka', 'count', lost.gateway, lost.baseline, { better: 'lower', target: '0' }),
  ];
  writeResult({
    bench: 'gateway', startedAt, finishedAt: new Date().toISOString(), machine: machineInfo(),
    config: { ...config, halfRate, suffix },
    summary,
    targets: { answeredButLost: { want: '0', got: lost.gateway, met: lost.gateway === 0 } },
    details: { gateway: { phases: phases.gateway, accepted: accepted.gateway, inKafka: inKafka.gateway }, baseline: { phases: phases.baseline, accepted: accepted.baseline, inKafka: inKafka.baseline }, brokerRoundTripMs: brokerRtt, loadAvgAtStart, loadAvgAtEnd: loadavg().map((n) => round(n, 2)) },
  });
  process.stdout.write(
    `gateway: ${gMax.rps} accepted sends/s (p99 ${gMax.latencyMs.p99} ms at max, ${gHalf.latencyMs.p99} ms at ${halfRate}/s); ` +
      `baseline ${bMax.rps} req/s; ratio ${round(ratio, 3)}; answered but not in Kafka: ${lost.gateway}\n`,
  );
} catch (err) {
  failure = err;
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop().catch(() => undefined)));
  const deleted = await deleteBenchTopics(kafka, suffix, [baselineTopic], [`bench-gateway-${suffix}`]).catch(() => []);
  log(`deleted ${deleted.length} bench topics`);
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch((e) => log(`schema cleanup failed: ${e.message}`)).finally(() => client.end().catch(() => undefined));
}
if (failure) {
  process.stderr.write(`${failure.stack ?? failure}\n`);
  process.exit(1);
}
