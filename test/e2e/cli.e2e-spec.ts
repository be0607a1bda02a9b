import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { WabridgeClient } from '@wabridge/client';
import { TEST_BROKERS, waitFor } from '@wabridge/testing';
import { Platform } from './platform-harness';

// The `wabridge` CLI (issue 21, docs/cli.md) as a process against the running platform
// (gateway, dispatcher, sandbox as Meta, contacts, notifier): the operator creates a key, the
// tenant sends a test message, `tail` sees its outbound event on Kafka, `verify-signature`
// accepts the notifier's real delivery and refuses a tampered one; every --json output parses.
const BIN = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'wabridge.js');
const NUMBER = { phoneNumberId: '109000000000621', displayPhoneNumber: '15550000621', wabaId: '209000000000621', accessToken: 'e2e-cli-token' };
const USER = '4915112340621';

interface Delivery { headers: IncomingHttpHeaders; raw: Buffer }

describe('wabridge CLI against the running platform', () => {
  let platform: Platform;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: Delivery[] = [];
  let stateDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    platform = new Platform({ notifier: true });
    await platform.start();
    await platform.onboard(NUMBER);
    // no npm start state here: credentials only from the environment and flags
    stateDir = mkdtempSync(path.join(tmpdir(), 'cli-e2e-'));
    env = {
      PATH: process.env.PATH ?? '', LOCAL_STATE_DIR: stateDir, WABRIDGE_URL: platform.get('gateway').url,
      WABRIDGE_ADMIN_TOKEN: platform.adminToken, KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: platform.suffix,
    };
  }, 300000);

  afterAll(async () => {
    await platform?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 120000);

  const cli = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...env, ...extra } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = <T = any>(r: { status: number | null; stdout: string; stderr: string }): T => {
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };

  it('creates a key, sends with it, tails the outbound event, and verifies real webhook deliveries', async () => {
    const tenants = json<{ data: { id: string; name: string }[] }>(cli(['tenants', 'list', '--json']));
    const tenantId = tenants.data.find((t) => t.name === `t-${platform.suffix}`)!.id;

    // scopes asked explicitly: without --scopes a key gets messages:send + messages:read only (ADR 0162)
    const key = json<{ id: string; key: string; scopes: string[] }>(cli(['keys', 'create', '--tenant', tenantId, '--scopes', 'messages:send,messages:read,webhooks', '--json']));
    expect(key.key).toMatch(/^wbk_/);
    const listed = json<{ data: { id: string }[] }>(cli(['keys', 'list', '--tenant', tenantId, '--json']));
    expect(listed.data.map((k) => k.id)).toContain(key.id);
    const tenantEnv = { WABRIDGE_API_KEY: key.key };

    // a webhook endpoint of the tenant, so the notifier delivers the send's events to us
    const wa = new WabridgeClient({ baseUrl: platform.get('gateway').url, apiKey: key.key });
    const endpoint = await wa.post('/v1/webhook-endpoints', { body: { url: receiverUrl, events: ['message.status'] } });

    // tail from a minute back, so the event cannot slip by while the tail's group joins
    const tail: ChildProcess = spawn(process.execPath, [BIN, 'tail', 'wa.outbound.events.v1', '--tenant', tenantId, '--type', 'sent', '--since', '1m', '--max', '1', '--for', '100s', '--json'], { env });
    let tailOut = '';
    let tailErr = '';
    tail.stdout!.on('data', (c: Buffer) => (tailOut += c.toString('utf8')));
    tail.stderr!.on('data', (c: Buffer) => (tailErr += c.toString('utf8')));
    const tailExit = new Promise<number | null>((resolve) => tail.on('exit', (code) => resolve(code)));

    const sent = cli(['send', '--from', NUMBER.phoneNumberId, '--to', `+${USER}`, '--template', 'hello_world', '--wait', '--json'], tenantEnv);
    expect(sent.stderr).toBe('');
    const message = json<{ id: string; status: string; wamid: string }>(sent);
    // --wait returns at the first state past accepted that it sees: the sandbox may already have
    // reported delivery (or the read) by the time the CLI polls
    expect(message).toMatchObject({ status: expect.stringMatching(/^(sent|delivered|read)$/), wamid: expect.stringMatching(/^wamid\./) });

    expect(await tailExit).toBe(0);
    expect(tailErr).toBe(''); // --json: no notes, no progress
    const lines = tailOut.trim().split('\n').map((l) => JSON.parse(l) as { topic: string; headers: Record<string, string>; value: { id: string; event: string; tenantId: string; wamid: string } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ topic: `wa.outbound.events.v1.${platform.suffix}`, headers: { 'tenant-id': tenantId }, value: { id: message.id, event: 'sent', tenantId, wamid: message.wamid } });

    // the sandbox (Meta) saw exactly that send
    const got = cli(['messages', 'get', message.id, '--json'], tenantEnv);
    expect(json(got)).toMatchObject({ id: message.id, to: USER, type: 'template' });

    // the notifier's real delivery of the status verifies; the same delivery tampered does not
    const delivery = await waitFor(() => deliveries.find((d) => d.raw.toString('utf8').includes(message.id)), { timeoutMs: 60000, what: 'the message.status delivery' });
    const sig = (body: string) => ['verify-signature', '--secret', endpoint.secret!, '--id', String(delivery.headers['webhook-id']),
      '--timestamp', String(delivery.headers['webhook-timestamp']), '--signature', String(delivery.headers['webhook-signature']), body, '--json'];
    const file = path.join(stateDir, 'delivery.json');
    writeFileSync(file, delivery.raw);
    const valid = cli(sig(file));
    expect(json(valid)).toEqual({ valid: true, type: 'message.status', timestamp: expect.any(String) });
    const tampered = cli(sig(delivery.raw.toString('utf8').replace(NUMBER.phoneNumberId, '109000000000999')));
    expect(tampered.status).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ valid: false, reason: 'invalid_signature' });
    expect(JSON.parse(tampered.stderr)).toMatchObject({ error: { code: 'invalid_signature' } });

    // revoked, the key no longer sends
    expect(json(cli(['keys', 'revoke', key.id, '--json']))).toEqual({ revoked: key.id });
    const refused = cli(['send', '--from', NUMBER.phoneNumberId, '--to', `+${USER}`, '--text', 'hi', '--json'], tenantEnv);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(JSON.parse(refused.stderr)).toMatchObject({ error: { message: expect.stringMatching(/^401 /) } });
  }, 240000);

  it('imports contacts, reports refused rows with their line, and answers API errors and usage errors with their exit codes', async () => {
    const tenants = json<{ data: { id: string; name: string }[] }>(cli(['tenants', 'list', '--json']));
    const tenantId = tenants.data.find((t) => t.name === `t-${platform.suffix}`)!.id;
    const { key } = json<{ key: string }>(cli(['keys', 'create', '--tenant', tenantId, '--scopes', 'messages:send,messages:read,contacts', '--json']));
    const tenantEnv = { WABRIDGE_API_KEY: key };

    const csv = path.join(stateDir, 'contacts.csv');
    writeFileSync(csv, `phoneNumberId,phone,name,tags\n${NUMBER.phoneNumberId},+4915112340631,Ada,vip\n${NUMBER.phoneNumberId},+4915112340632,Bob,\n${NUMBER.phoneNumberId},not-a-phone,Eve,\n`);
    const imported = cli(['contacts', 'import', csv, '--json'], tenantEnv);
    expect(imported.status).toBe(1); // one row refused
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 3, created: 2, failed: 1, errors: [{ line: 4 }] });
    expect(JSON.parse(imported.stderr)).toMatchObject({ error: { code: 'rows_refused' } });
    // the same file again changes nothing (human output: a summary line)
    const again = cli(['contacts', 'import', csv], tenantEnv);
    expect(again.stdout).toContain('3 rows: 0 created, 0 updated, 2 unchanged, 1 failed');

    const bad = cli(['send', '--from', 'not-a-number', '--to', `+${USER}`, '--text', 'hi', '--json'], tenantEnv);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { message: expect.stringMatching(/^400 /) } });
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    // human output: tables on stdout
    const table = cli(['tenants', 'list']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^id\s+name\s+createdAt\n/);
    expect(table.stdout).toContain(`t-${platform.suffix}`);
    // templates: the WABA's mirror pulled from Graph (the sandbox), and a new one pending review
    const templates = cli(['templates', 'list', '--waba', NUMBER.wabaId, '--refresh'], tenantEnv);
    expect(templates.stdout).toMatch(/hello_world\s+en_US\s+UTILITY\s+APPROVED/);
    const created = json<{ name: string; status: string; category: string }>(cli(['templates', 'create', '--waba', NUMBER.wabaId, '--name', 'cli_order_ready', '--body', 'Order {{1}} is ready', '--example', '42', '--json'], tenantEnv));
    expect(created).toMatchObject({ name: 'cli_order_ready', status: 'PENDING', category: 'UTILITY' });

    const usage = cli(['send', '--to', USER, '--json'], tenantEnv);
    expect(usage.status).toBe(2);
    expect(JSON.parse(usage.stderr)).toMatchObject({ error: { code: 'usage' } });

    // the DLQs of this run's topics, as JSON
    expect(Array.isArray(json<{ data: unknown[] }>(cli(['dlq', 'list', '--json'])).data)).toBe(true);
  }, 180000);

  it('shows and replays a DLQ to its source topic, at most --max, each entry once', async () => {
    const kafka = new Kafka({ clientId: 'e2e-cli-dlq', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING });
    const source = `cli-e2e-source.v1.${platform.suffix}`;
    const dlqTopic = `cli-e2e.dlq.v1.${platform.suffix}`;
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    try {
      await admin.createTopics({ topics: [{ topic: source, numPartitions: 1 }, { topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic: dlqTopic, messages: [0, 1, 2].map((i) => ({
        key: `k${i}`, value: JSON.stringify({ n: i }),
        headers: { 'dlq-reason': i === 2 ? 'timeout talking to postgres' : 'invalid: n is odd', 'dlq-source-topic': source, 'dlq-source-partition': '0', 'dlq-source-offset': String(i), 'dlq-consumer': 'cli-e2e' },
      })) });

      const shown = json<{ data: { reason: string; sourceTopic: string; replayed: boolean }[]; total: number }>(cli(['dlq', 'show', 'cli-e2e.dlq.v1', '--reason', 'invalid', '--json']));
      expect(shown.total).toBe(2);
      expect(shown.data.every((e) => e.sourceTopic === source && !e.replayed)).toBe(true);

      const first = json<{ data: { topic: string; replayed: number; alreadyReplayed: number }[] }>(cli(['dlq', 'replay', 'cli-e2e.dlq.v1', '--max', '2', '--json']));
      expect(first.data).toEqual([expect.objectContaining({ topic: dlqTopic, replayed: 2, alreadyReplayed: 0 })]);
      const second = json<{ data: { replayed: number; alreadyReplayed: number }[] }>(cli(['dlq', 'replay', 'cli-e2e.dlq.v1', '--json']));
      expect(second.data).toEqual([expect.objectContaining({ replayed: 1, alreadyReplayed: 2 })]);
      const offsets = await admin.fetchTopicOffsets(source);
      expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(3); // each entry back on its source once
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [source, dlqTopic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120000);
});
