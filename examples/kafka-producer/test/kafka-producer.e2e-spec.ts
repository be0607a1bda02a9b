import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TEST_BROKERS, waitFor } from '@wabridge/testing';
import { call, Platform } from '../../../test/e2e/platform-harness';

// Example 4 (issue 21): a plain-JavaScript internal producer that knows the platform only
// through docs/events/schemas/wa.outbound.requested.v1.json. Run as its README says (one
// command, as a process), against the whole platform with the sandbox as Meta.
const SCRIPT = path.resolve(__dirname, '..', 'produce.js');
const NUMBER = { phoneNumberId: '109000000000421', displayPhoneNumber: '15550000421', wabaId: '209000000000421', accessToken: 'e2e-kafka-producer-token' };
const USER = '4915112340421';

describe('examples/kafka-producer: a send command from plain JSON, validated by the JSON Schema, produced with kafkajs', () => {
  let platform: Platform;
  let tenantId: string;
  let apiKey: string;
  let dir: string;

  beforeAll(async () => {
    platform = new Platform();
    await platform.start();
    apiKey = await platform.onboard(NUMBER);
    const tenants = await call('GET', `${platform.get('gateway').url}/admin/v1/tenants`, undefined, { authorization: `Bearer ${platform.adminToken}` });
    tenantId = (tenants.body.data as { id: string; name: string }[]).find((t) => t.name === `t-${platform.suffix}`)!.id;
    dir = mkdtempSync(path.join(tmpdir(), 'kafka-producer-'));
  }, 300000);

  afterAll(async () => {
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120000);

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [SCRIPT, ...args], {
      encoding: 'utf8', timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: platform.suffix, WABRIDGE_TENANT_ID: tenantId, WABRIDGE_PHONE_NUMBER_ID: NUMBER.phoneNumberId, ...env },
    });

  async function topicEnd(): Promise<number> {
    const admin = new Kafka({ clientId: 'e2e-offsets', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`wa.outbound.requested.v1.${platform.suffix}`);
      return offsets.reduce((sum, o) => sum + Number(o.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('the platform accepts the command: the dispatcher calls Graph (the sandbox) and the gateway lists the message', async () => {
    // as after `npm start`: the tenant comes from the state file it writes (here LOCAL_STATE_DIR), not from the env
    writeFileSync(path.join(dir, 'dev-secrets.json'), JSON.stringify({ localTenant: { id: tenantId, apiKey } }));
    const out = run(['--to', `+${USER}`, '--idempotency-key', `order-${platform.suffix}`], { WABRIDGE_TENANT_ID: '', LOCAL_STATE_DIR: dir });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const produced = JSON.parse(out.stdout.trim()) as { produced: string; topic: string };
    expect(produced.topic).toBe(`wa.outbound.requested.v1.${platform.suffix}`);

    const sandbox = platform.get('sandbox');
    const call1 = await waitFor(async () => {
      const r = await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`);
      return (r.body.calls as { body: { biz_opaque_callback_data?: string }; httpStatus: number }[]).find((c) => c.body.biz_opaque_callback_data === produced.produced);
    }, { timeoutMs: 60000, what: 'the Graph call of the produced command in the sandbox' });
    expect(call1).toMatchObject({ httpStatus: 200, body: { messaging_product: 'whatsapp', to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } });

    // the gateway records internal producers' commands in its projection (docs/gateway.md)
    const seen = await waitFor(async () => {
      const r = await call('GET', `${platform.get('gateway').url}/v1/messages/${produced.produced}`, undefined, { authorization: `Bearer ${apiKey}` });
      return r.status === 200 && r.body.wamid ? r.body : undefined;
    }, { timeoutMs: 60000, what: 'the message in the gateway with its wamid' });
    expect(seen).toMatchObject({ id: produced.produced, phoneNumberId: NUMBER.phoneNumberId, to: USER, type: 'template' });
  }, 180000);

  it('refuses an invalid command before producing anything, naming what is wrong', async () => {
    const before = await topicEnd();
    const file = path.join(dir, 'bad.json');
    // plain JSON as another service might write it: a '+' in `to`, no `message`, a local time
    writeFileSync(file, JSON.stringify({ id: 'x1', tenantId, phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'text', source: 'kafka', requestedAt: '06.12.2026 10:00' }));
    const out = run(['--file', file]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('nothing produced');
    expect(out.stderr).toContain("must have required property 'message'");
    expect(out.stderr).toContain('/to must match pattern');
    expect(out.stderr).toContain('/requestedAt must match format "date-time"');
    expect(out.stdout).toBe('');
    expect(await topicEnd()).toBe(before);

    // the same JSON made valid is produced
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ id: `x1${platform.suffix}`.slice(0, 64), tenantId, phoneNumberId: NUMBER.phoneNumberId, to: USER, type: 'template', message: { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, source: 'kafka', requestedAt: new Date().toISOString() }));
    expect(run(['--file', good]).status).toBe(0);
    expect(await topicEnd()).toBe(before + 1);
  }, 120000);
});
