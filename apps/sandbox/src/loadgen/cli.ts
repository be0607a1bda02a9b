#!/usr/bin/env node
/**
 * Load generator (loopback only):
 *
 *   node apps/sandbox/dist/loadgen/cli.js inbound --url http://127.0.0.1:3001/webhooks/meta/local \
 *     --app-secret <secret> --phone-number-id <id> --rate 200 --count 10000 --duration 60
 *   node apps/sandbox/dist/loadgen/cli.js send --target gateway --url http://127.0.0.1:3000 \
 *     --api-key <key> --phone-number-id <id> --rate 50 --count 1000 --duration 30 --recipients 100
 *   node apps/sandbox/dist/loadgen/cli.js send --target graph --url http://127.0.0.1:3100 --token sandbox-token …
 *
 * Prints one JSON result on stdout. Every run is bounded by --count and --duration (seconds).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { defaultFixtureDir, inboundWebhook, InboundTarget, loadMessageFixtures, postInbound } from './inbound-load';
import { runAtRate } from './rate-driver';
import { postSend, SendTarget } from './send-load';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

class UsageError extends Error {}

function loopbackUrl(value: string | undefined, name: string): string {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${name} is not a URL: ${value}`);
  }
  if (!LOOPBACK.has(url.hostname)) throw new UsageError(`--${name} must point at a loopback address (127.0.0.1, localhost, ::1); the load generator never leaves this machine`);
  return value.replace(/\/$/, '');
}

function positive(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number`);
  return n;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      url: { type: 'string' },
      rate: { type: 'string' },
      count: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'app-secret': { type: 'string' },
      'phone-number-id': { type: 'string' },
      'display-phone-number': { type: 'string' },
      'waba-id': { type: 'string' },
      fixtures: { type: 'string' },
      target: { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      'graph-version': { type: 'string' },
      recipients: { type: 'string' },
      'first-recipient': { type: 'string' },
      type: { type: 'string' },
    },
    strict: true,
  });
  const rate = positive(values.rate, 'rate');
  const count = Math.floor(positive(values.count, 'count'));
  const durationMs = positive(values.duration, 'duration') * 1000;
  const maxInFlight = Math.floor(positive(values.concurrency, 'concurrency', 256));
  const timeoutMs = positive(values.timeout, 'timeout', 10) * 1000;
  const runId = randomBytes(4).toString('hex');

  if (mode === 'inbound') {
    const target: InboundTarget = {
      url: loopbackUrl(values.url, 'url'),
      appSecret: required(values['app-secret'], 'app-secret'),
      phoneNumberId: required(values['phone-number-id'], 'phone-number-id'),
      displayPhoneNumber: values['display-phone-number'] ?? '15550001234',
      wabaId: values['waba-id'] ?? '100000000000001',
    };
    const fixtures = loadMessageFixtures(values.fixtures ?? defaultFixtureDir());
    const result = await runAtRate({ rate, count, durationMs, maxInFlight }, (i) => postInbound(target, inboundWebhook(fixtures, target, runId, i, Date.now()), timeoutMs));
    const { timeline: _timeline, ...summary } = result;
    process.stdout.write(JSON.stringify({ mode, runId, url: target.url, fixtures: fixtures.length, ...summary }) + '\n');
    return;
  }

  if (mode === 'send') {
    const kind = values.target ?? 'gateway';
    if (kind !== 'gateway' && kind !== 'graph') throw new UsageError('--target must be gateway or graph');
    const type = values.type ?? 'text';
    if (type !== 'text' && type !== 'template') throw new UsageError('--type must be text or template');
    const target: SendTarget = {
      kind,
      url: loopbackUrl(values.url, 'url'),
      credential: kind === 'gateway' ? required(values['api-key'], 'api-key') : required(values.token, 'token'),
      phoneNumberId: required(values['phone-number-id'], 'phone-number-id'),
      graphVersion: values['graph-version'] ?? 'v23.0',
      recipients: Math.floor(positive(values.recipients, 'recipients', 100)),
      firstRecipient: Math.floor(positive(values['first-recipient'], 'first-recipient', 16505550000)),
      messageType: type,
    };
    const result = await runAtRate({ rate, count, durationMs, maxInFlight }, (i) => postSend(target, runId, i, timeoutMs));
    const { timeline: _timeline, ...summary } = result;
    process.stdout.write(JSON.stringify({ mode, runId, target: kind, url: target.url, ...summary }) + '\n');
    return;
  }

  throw new UsageError('usage: cli.js inbound|send --url <loopback url> --rate <per s> --count <n> --duration <s> [...]; see docs/sandbox.md');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`loadgen: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
