// `npm run bench -- ingress` (issue 3, "Benchmark"): signed Meta webhook load against the
// built ingress and, in the same run and with the same load, against a naive baseline
// (bench/lib/baseline-webhook-server.mjs: node:http + kafkajs, one acks=all produce per request).
//
// Phases, each server in turn (only one is under load at a time):
//   warm-up   closed loop, 16 connections, BENCH_WARMUP_SEC (3 s)
//   max rate  closed loop, BENCH_CONNECTIONS (64) for BENCH_DURATION_SEC (10 s): req/s, p50/p99
//   (wait up to BENCH_DRAIN_TIMEOUT_SEC for the ingress' normalizer: its catch-up rate)
//   half rate open loop at half of ingress' max req/s, same duration: p50/p99 (target p99 < 50 ms)
// The ingress' normalizer consumes what was accepted in the same process, also while the
// baseline is measured; the CPU it takes then is recorded (otherServerCpuCores).
//
// Talks only to 127.0.0.1 (and KAFKA_BROKERS); topics get a random suffix and are deleted at the end.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchKafka, createTopic, deleteBenchTopics, groupLag, messageCount, produceRoundTrips, startProduceProbe } from './lib/kafka.mjs';
import { closedLoop, httpLoadConfig, openLoop } from './lib/load.mjs';
import { freePort, readCpuSeconds, readRssMb, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { machineInfo, ROOT, round, row, writeResult, intEnv, benchDatabaseUrl } from './lib/result.mjs';
import { webhookRequests } from './lib/webhooks.mjs';
import { ensureDatabase } from '../scripts/lib/stack.mjs';

const int = intEnv;
const config = {
  ...httpLoadConfig(),
  drainTimeoutSec: int('BENCH_DRAIN_TIMEOUT_SEC', 10),
  floorSec: 5,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[ingress bench] ${msg}\n`);
if (Number(process.versions.node.split('.')[0]) < 24) log(`warning: node ${process.version}; run it through npm (node@24 from node_modules)`);

// BENCH_INGRESS_ENTRY=<path/to/main.js>: another build of the ingress (an A/B of two builds, interleaved runs)
const entry = process.env.BENCH_INGRESS_ENTRY || join(ROOT, 'apps', 'ingress', 'dist', 'main.js');
if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run bench builds)`);

const startedAt = new Date().toISOString();
const machine = machineInfo();
const suffix = `bench${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const appId = 'bench-app';
const secret = randomBytes(16).toString('hex');
const normalizerGroup = `bench-normalizer-${suffix}`;
const ingressTopic = `wa.webhook.received.v1.${suffix}`;
const baselineTopic = `bench.baseline.webhook.${suffix}`;
const kafka = benchKafka('bench-ingress');
const requests = webhookRequests({ appId, secret, runTag: randomBytes(3).toString('hex') });

const servers = {};
const accepted = { ingress: 0, baseline: 0 };
const phases = { ingress: {}, baseline: {} };
const normalizer = { drains: [] };
let failure = null;
let brokerRtt = null;
// Probe messages go to a topic of their own, so the servers' counts stay exact.
const probeTopic = `bench.probe.${suffix}`;

/**
 * Waits (bounded) until the ingress' normalizer group has committed everything on the webhook
 * topic; records how fast it caught up (webhooks/s) while nothing else was loaded.
 */
async function waitForNormalizer(label, timeoutSec = config.drainTimeoutSec) {
  const t0 = Date.now();
  const cpu0 = readCpuSeconds(servers.ingress.pid);
  let lag = await groupLag(kafka, normalizerGroup, ingressTopic).catch(() => null);
  const lagAtStart = lag;
  while (lag !== 0 && Date.now() - t0 < timeoutSec * 1000) {
    await sleep(250);
    lag = await groupLag(kafka, normalizerGroup, ingressTopic).catch(() => null);
  }
  const waited = (Date.now() - t0) / 1000;
  const cpu = readCpuSeconds(servers.ingress.pid) - cpu0;
  const drained = lagAtStart !== null && lag !== null ? lagAtStart - lag : null;
  const drain = {
    after: label, lagAtStart, lagAtEnd: lag, waitedSec: round(waited, 1),
    catchUpPerSec: drained !== null && drained > 0 && waited > 0.5 ? round(drained / waited, 1) : null,
    // Low CPU per webhook with a low catch-up rate means the normalizer waits (round trips), not computes.
    cpuBusy: round(cpu / waited, 2),
    cpuMsPerWebhook: drained ? round((cpu * 1000) / drained, 2) : null,
  };
  normalizer.drains.push(drain);
  log(`normalizer after ${label}: lag ${lagAtStart} → ${lag} in ${drain.waitedSec}s ` +
    `(${drain.catchUpPerSec ?? '–'} webhooks/s, ingress CPU ${drain.cpuBusy} cores busy, ${drain.cpuMsPerWebhook ?? '–'} ms CPU/webhook)`);
}

/** Heap and external memory from the ingress' Prometheus /metrics (to tell heap growth from other RSS). */
async function ingressMemory() {
  const text = await fetch(`${servers.ingress.managementUrl}/metrics`).then((r) => r.text(), () => '');
  const gauge = (name) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return m ? round(Number(m[1]) / 1048576, 1) : null;
  };
  return { heapUsedMb: gauge('nodejs_heap_size_used_bytes'), heapTotalMb: gauge('nodejs_heap_size_total_bytes'), externalMb: gauge('nodejs_external_memory_bytes') };
}

async function measure(name, label, run) {
  const proc = servers[name];
  const other = servers[name === 'ingress' ? 'baseline' : 'ingress'];
  const probe = await startProduceProbe(kafka, probeTopic);
  const sampler = sampleProcess(proc.pid);
  const otherCpu0 = readCpuSeconds(other.pid);
  const t0 = performance.now();
  const stats = await run(proc.url);
  const s = sampler.stop();
  const broker = await probe.stop();
  // The other server idles, except the ingress' normalizer working off its backlog: how much
  // of the 2 cores did it take from this measurement?
  const otherCores = (readCpuSeconds(other.pid) - otherCpu0) / ((performance.now() - t0) / 1000);
  accepted[name] += stats.ok;
  const result = {
    ...stats,
    server: {
      rssPeakMb: round(s.rssPeakMb, 1),
      rssMeanMb: round(s.rssMeanMb, 1),
      rssEndMb: round(s.rssEndMb, 1),
      cpuSeconds: round(s.cpuSeconds, 2),
      cpuMsPerOkRequest: stats.ok > 0 && s.cpuSeconds !== null ? round((s.cpuSeconds * 1000) / stats.ok, 3) : null,
      cpuCores: round(s.cpuSeconds / ((performance.now() - t0) / 1000), 2),
    },
    otherServerCpuCores: round(otherCores, 2),
    brokerProbeMs: broker,
  };
  if (name === 'ingress') result.server.memory = await ingressMemory();
  phases[name][label] = result;
  log(`${name} ${label}: ${stats.rps} req/s ok, p50 ${stats.latencyMs.p50} ms, p99 ${stats.latencyMs.p99} ms, ` +
    `non2xx ${stats.non2xx}, errors ${stats.errors}, rss peak ${result.server.rssPeakMb} MB, ` +
    `cpu ${result.server.cpuCores} cores (other server ${result.otherServerCpuCores}), broker probe p50 ${broker.p50} ms`);
  return result;
}

const closed = (connections, durationSec) => (url) =>
  closedLoop({ url, path: requests.path, connections, durationSec, makeRequest: () => requests.next() });
const open = (rate) => (url) =>
  openLoop({ url, path: requests.path, rate, durationSec: config.durationSec, makeRequest: () => requests.next() });

try {
  await ensureDatabase(benchDatabaseUrl());
  await createTopic(kafka, baselineTopic, config.partitions);
  await createTopic(kafka, probeTopic, 1);
  const rtts = await produceRoundTrips(kafka, probeTopic, 20);
  brokerRtt = { p50: round(rtts[Math.floor(rtts.length / 2)], 2), max: round(rtts.at(-1), 2) };
  log(`broker: acks=all produce round trip p50 ${brokerRtt.p50} ms, max ${brokerRtt.max} ms (20 sequential)`);
  const [ingressPort, baselinePort] = [await freePort(), await freePort()];
  log(`starting ingress (suffix ${suffix}) and baseline`);
  servers.ingress = await startNodeProcess({
    name: 'ingress',
    entry,
    // BENCH_CPU_PROF_DIR=<dir>: a CPU profile of the ingress (written when it stops; a profiled run is not a result)
    execArgv: process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [],
    port: ingressPort,
    managementPort: await freePort(),
    timeoutMs: 90000,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      KAFKA_PARTITIONS: String(config.partitions),
      TOPIC_SUFFIX: suffix,
      DATABASE_URL: benchDatabaseUrl(),
      META_APP_ID: appId,
      META_APP_SECRET: secret,
      META_VERIFY_TOKEN: randomBytes(8).toString('hex'),
      NORMALIZER_GROUP_ID: normalizerGroup,
    },
  });
  servers.baseline = await startNodeProcess({
    name: 'baseline',
    entry: join(ROOT, 'bench', 'lib', 'baseline-webhook-server.mjs'),
    port: baselinePort,
    env: { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', BASELINE_TOPIC: baselineTopic, META_APP_ID: appId, META_APP_SECRET: secret },
  });
  const rssIdle = { ingress: readRssMb(servers.ingress.pid), baseline: readRssMb(servers.baseline.pid) };
  log(`idle RSS: ingress ${round(rssIdle.ingress, 1)} MB, baseline ${round(rssIdle.baseline, 1)} MB`);

  await measure('ingress', 'warmup', closed(config.warmupConnections, config.warmupSec));
  await measure('baseline', 'warmup', closed(config.warmupConnections, config.warmupSec));

  const iMax = await measure('ingress', 'max', closed(config.connections, config.durationSec));
  const bMax = await measure('baseline', 'max', closed(config.connections, config.durationSec));
  // With nothing else loaded: how fast does the normalizer work off what ingress accepted?
  // (bounded by BENCH_DRAIN_TIMEOUT_SEC; the half-rate phase then starts with less backlog)
  await waitForNormalizer('max');

  const halfRate = Math.max(1, Math.floor(iMax.rps / 2));
  log(`open loop at ${halfRate} req/s (half of ingress' max)`);
  const iHalf = await measure('ingress', 'half', open(halfRate));
  const bHalf = await measure('baseline', 'half', open(halfRate));

  // The floor: the same generator at the same rate against a server that does nothing.
  const nullServer = await startNodeProcess({ name: 'null', entry: join(ROOT, 'bench', 'lib', 'null-server.mjs'), port: await freePort() });
  const floor = await openLoop({ url: nullServer.url, path: requests.path, rate: halfRate, durationSec: config.floorSec, makeRequest: () => requests.next() });
  await nullServer.stop();
  log(`floor (no-op server at ${halfRate} req/s): p50 ${floor.latencyMs.p50} ms, p99 ${floor.latencyMs.p99} ms`);

  const inKafka = { ingress: await messageCount(kafka, ingressTopic), baseline: await messageCount(kafka, baselineTopic) };
  const finalLag = await groupLag(kafka, normalizerGroup, ingressTopic).catch(() => null);
  const lost = { ingress: Math.max(0, accepted.ingress - inKafka.ingress), baseline: Math.max(0, accepted.baseline - inKafka.baseline) };
  const failed = (p) => p.non2xx + p.errors;
  const ratio = bMax.rps > 0 ? iMax.rps / bMax.rps : null;
  const targets = {
    ratio: { want: '>= 1.0', got: round(ratio, 3), met: ratio !== null && ratio >= 1 },
    p99AtHalfRate: { want: '< 50 ms', got: iHalf.latencyMs.p99, met: iHalf.latencyMs.p99 !== null && iHalf.latencyMs.p99 < 50 && failed(iHalf) === 0 },
  };

  const summary = [
    row('broker acks=all round trip before load (p50 of 20, context)', 'ms', brokerRtt.p50, undefined, { better: 'lower' }),
    row('broker round trip during the half-rate phase (p50, context)', 'ms', iHalf.brokerProbeMs.p50, bHalf.brokerProbeMs.p50, { better: 'lower' }),
    row(`max req/s (closed loop, ${config.connections} conn, ${config.durationSec} s)`, 'req/s', iMax.rps, bMax.rps, { better: 'higher', target: '>= 1.0 × baseline' }),
    row('p50 latency at max rate', 'ms', iMax.latencyMs.p50, bMax.latencyMs.p50, { better: 'lower' }),
    row('p99 latency at max rate', 'ms', iMax.latencyMs.p99, bMax.latencyMs.p99, { better: 'lower' }),
    row(`achieved req/s, open loop at ${halfRate} req/s (half ingress max)`, 'req/s', iHalf.rps, bHalf.rps, { better: 'higher' }),
    row('p50 latency at half max rate', 'ms', iHalf.latencyMs.p50, bHalf.latencyMs.p50, { better: 'lower' }),
    row('p99 latency at half max rate', 'ms', iHalf.latencyMs.p99, bHalf.latencyMs.p99, { better: 'lower', target: '< 50 ms' }),
    row('p99 of a no-op server at that rate (harness + machine floor, context)', 'ms', floor.latencyMs.p99, undefined, { better: 'lower' }),
    row('RSS idle after boot', 'MB', rssIdle.ingress, rssIdle.baseline, { better: 'lower' }),
    row('RSS peak under load', 'MB', Math.max(iMax.server.rssPeakMb, iHalf.server.rssPeakMb), Math.max(bMax.server.rssPeakMb, bHalf.server.rssPeakMb), { better: 'lower' }),
    row('server CPU per accepted request (max rate)', 'ms', iMax.server.cpuMsPerOkRequest, bMax.server.cpuMsPerOkRequest, { better: 'lower' }),
    row('failed requests (non-2xx + errors, all phases)', 'count',
      Object.values(phases.ingress).reduce((a, p) => a + failed(p), 0), Object.values(phases.baseline).reduce((a, p) => a + failed(p), 0), { better: 'lower' }),
    row('answered 200 but not in Kafka', 'count', lost.ingress, lost.baseline, { better: 'lower', target: '0' }),
    row('normalizer catch-up after max phase (ingress only)', 'webhooks/s', normalizer.drains.find((d) => d.after === 'max')?.catchUpPerSec ?? null, undefined, {
      better: 'higher', note: 'how fast the in-process normalizer worked off the max-phase backlog with no HTTP load',
    }),
  ];

  writeResult({
    bench: 'ingress',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    config: { ...config, entry, halfRate, meanBodyBytes: requests.meanBodyBytes, fixtures: requests.templates.length, suffix },
    summary,
    targets,
    details: {
      ingress: { rssIdleMb: round(rssIdle.ingress, 1), phases: phases.ingress, accepted: accepted.ingress, inKafka: inKafka.ingress },
      baseline: { rssIdleMb: round(rssIdle.baseline, 1), phases: phases.baseline, accepted: accepted.baseline, inKafka: inKafka.baseline },
      floor: { rate: halfRate, durationSec: floor.durationSec, latencyMs: floor.latencyMs, ok: floor.ok, errors: floor.errors },
      normalizer: { ...normalizer, lagAtEnd: finalLag },
      notes: [
        'inKafka can exceed accepted: requests in flight when a closed-loop phase stops are produced but their answers are not counted.',
        'Servers are loaded one at a time; otherServerCpuCores is what the idle one (the ingress normalizer catching up) used meanwhile.',
      ],
      loadAvgAtEnd: machineInfo().loadAvg,
      brokerRoundTripMs: brokerRtt,
    },
  });
  process.stdout.write(
    `ingress/baseline req/s ratio: ${round(ratio, 3)} (${iMax.rps} / ${bMax.rps}; target >= 1.0: ${targets.ratio.met ? 'met' : 'NOT met'}) · ` +
      `ingress p99 at ${halfRate} req/s: ${iHalf.latencyMs.p99} ms (target < 50 ms: ${targets.p99AtHalfRate.met ? 'met' : 'NOT met'}); ` +
      `baseline p99 there: ${bHalf.latencyMs.p99} ms\n`,
  );
} catch (err) {
  failure = err;
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop().catch(() => undefined)));
  const deleted = await deleteBenchTopics(kafka, suffix, [baselineTopic], [normalizerGroup]).catch((e) => {
    log(`cleanup of topics failed: ${e.message}`);
    return [];
  });
  log(`deleted ${deleted.length} bench topics`);
}
if (failure) {
  process.stderr.write(`ingress bench failed: ${failure.stack ?? failure}\n`);
  for (const s of Object.values(servers)) process.stderr.write(`--- ${s.name} output ---\n${s.output()}\n`);
  process.exit(1);
}
process.exit(0);
