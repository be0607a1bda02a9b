import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OUTBOUND_DLQ_V1, OutboundDeadLetterV1 } from '@wabridge/contracts';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { createSandboxApp } from '@wabridge/sandbox';
import { Harness, waitForContact, waitForNumber } from '../src/testing/harness';

interface SandboxCall { at: string; phoneNumberId: string; to: string | null; body: Record<string, unknown>; httpStatus: number; response: { error?: { code?: number } } }

/**
 * The headline behaviours against the sandbox (apps/sandbox, in-process) as Meta: its call log
 * is the ground truth, its status webhooks come back through a poster that plays ingress
 * (publishes wa.status.updated.v1).
 */
describe('dispatcher against the sandbox (real Kafka and Postgres)', () => {
  const h = new Harness();
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let dlq: TopicCollector<OutboundDeadLetterV1>;
  let phone = 0;

  const calls = async (phoneNumberId: string): Promise<SandboxCall[]> =>
    ((await (await fetch(`${sandboxUrl}/_sandbox/calls?phoneNumberId=${phoneNumberId}`)).json()) as { calls: SandboxCall[] }).calls;

  const register = async (o: { mps?: number; pairBurst?: number; token?: string } = {}): Promise<string> => {
    const phoneNumberId = String(500000 + Math.floor(Math.random() * 400000) + phone++);
    const res = await fetch(`${sandboxUrl}/_sandbox/numbers`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        phoneNumberId, displayPhoneNumber: '+15550001', wabaId: `waba-${phoneNumberId}`, accessToken: o.token ?? 'sandbox-token',
        appSecret: 'secret', callbackUrl: 'http://127.0.0.1:9/webhooks', mps: o.mps ?? 80, pairBurst: o.pairBurst ?? 45, tier: 'unlimited',
      }),
    });
    expect(res.status).toBe(201);
    return phoneNumberId;
  };

  beforeAll(async () => {
    await h.start();
    sandbox = await createSandboxApp({
      logger: false,
      settings: { pairRefillMs: 100, statusSentDelayMs: 10, statusDeliveredDelayMs: 50, statusReadDelayMs: 100, statusReadRate: 1, webhookTickMs: 20 },
      // Plays ingress + normalizer: every status webhook becomes a wa.status.updated.v1 event.
      poster: async (_url, raw) => {
        const body = JSON.parse(raw.toString('utf8')) as { entry?: { changes?: { value?: { metadata?: { phone_number_id?: string }; statuses?: Record<string, unknown>[] } }[] }[] };
        for (const entry of body.entry ?? []) for (const change of entry.changes ?? []) {
          for (const s of change.value?.statuses ?? []) {
            await h.status({
              wamid: String(s['id']), status: s['status'] as 'sent', phoneNumberId: String(change.value?.metadata?.phone_number_id),
              recipientId: s['recipient_id'] as string | undefined, bizOpaqueCallbackData: s['biz_opaque_callback_data'] as string | undefined,
              errors: s['errors'] as never,
            });
          }
        }
        return 200;
      },
    });
    await sandbox.listen(0, '127.0.0.1');
    sandboxUrl = await sandbox.getUrl();
    sandboxUrl = sandboxUrl.replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    await h.boot({ PAIR_REFILL_MS: '100', PAIR_SAFETY_MS: '250', MAX_TRANSIENT_ATTEMPTS: '3', TRANSIENT_BACKOFF_BASE_MS: '100', WINDOW_GRACE_MS: '1000' });
    dlq = await TopicCollector.start<OutboundDeadLetterV1>(OUTBOUND_DLQ_V1, h.suffix);
  }, 120000);
  afterAll(async () => {
    await dlq?.stop();
    await h.stop();
    await sandbox?.close();
  });

  it('sends through the sandbox once per message, and its status webhooks take the message to read', async () => {
    const n = await register();
    await h.number(n, sandboxUrl, { token: 'sandbox-token' });
    await waitForNumber(h, n);
    const req = h.template(n, '4915200000001');
    await h.send([req]);
    await waitFor(() => h.kinds(req.id).includes('read'), { what: 'read via sandbox webhooks', timeoutMs: 20000 });
    expect(h.kinds(req.id)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    const log = await calls(n);
    expect(log).toHaveLength(1);
    expect(log[0]!.body['biz_opaque_callback_data']).toBe(req.id);
  });

  it('spreads a burst of 100 to one recipient so the sandbox never answers 131056', async () => {
    const n = await register({ mps: 200 });
    await h.number(n, sandboxUrl, { token: 'sandbox-token', mps: 200 });
    await waitForNumber(h, n);
    const reqs = Array.from({ length: 100 }, () => h.template(n, '4915200000002'));
    await h.send(reqs);
    await waitFor(async () => (await calls(n)).filter((c) => c.httpStatus === 200).length >= 100, { what: '100 accepted by the sandbox', timeoutMs: 60000 });
    const log = await calls(n);
    const t0 = Date.parse(log[0]!.at);
    if (log.some((c) => c.response?.error?.code === 131056)) console.log(`pair timeline: ${log.map((c) => `${Date.parse(c.at) - t0}${c.httpStatus === 200 ? '' : `!${c.response?.error?.code}`}`).join(' ')}`);
    expect(log.filter((c) => c.response?.error?.code === 131056)).toEqual([]);
    expect(new Set(log.map((c) => c.body['biz_opaque_callback_data'])).size).toBe(100);
  });

  it('rejects an outside-window text before any Graph call, sends the template, sends nothing to an opted-out contact', async () => {
    const n = await register();
    await h.number(n, sandboxUrl, { token: 'sandbox-token' });
    await waitForNumber(h, n);
    await h.contact(n, '4915200000003', { windowOpenUntil: new Date(Date.now() - 60_000).toISOString() });
    await h.contact(n, '4915200000004', { optedOut: true });
    await waitForContact(h, n, '4915200000004', (r) => r.opted_out);
    await waitForContact(h, n, '4915200000003');
    const text = h.request(n, '4915200000003');
    const template = h.template(n, '4915200000003');
    const optedOut = h.template(n, '4915200000004');
    await h.send([text, template, optedOut]);
    await waitFor(() => h.kinds(template.id).includes('sent') && h.kinds(text.id).includes('rejected') && h.kinds(optedOut.id).includes('rejected'), { what: 'outcomes' });
    expect((await calls(n)).map((c) => c.body['biz_opaque_callback_data'])).toEqual([template.id]);
  });

  it('with 30 % 5xx injected by the sandbox, every message is accepted exactly once or dead-lettered after 3 attempts', async () => {
    const n = await register({ mps: 500 });
    await h.number(n, sandboxUrl, { token: 'sandbox-token', mps: 500 });
    await waitForNumber(h, n);
    await fetch(`${sandboxUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumberId: n, errorRate: 0.3, httpStatus: 500 }) });
    const reqs = Array.from({ length: 150 }, (_, i) => h.template(n, String(4915300000000 + i)));
    await h.send(reqs);
    const ids = new Set(reqs.map((r) => r.id));
    const outcome = async (): Promise<{ ok: Map<string, number>; dead: Set<string>; all: SandboxCall[] }> => {
      const all = await calls(n);
      const ok = new Map<string, number>();
      for (const c of all.filter((x) => x.httpStatus === 200)) ok.set(String(c.body['biz_opaque_callback_data']), (ok.get(String(c.body['biz_opaque_callback_data'])) ?? 0) + 1);
      return { ok, dead: new Set(dlq.values().map((d) => d.request.id).filter((id) => ids.has(id))), all };
    };
    await waitFor(async () => { const o = await outcome(); return o.ok.size + o.dead.size >= 150; }, { what: '150 settled', timeoutMs: 40000 });
    const { ok, dead, all } = await outcome();
    console.log(`sandbox 5xx: ${ok.size} accepted, ${dead.size} dead-lettered, ${all.length} calls`);
    expect([...ok.values()].every((c) => c === 1)).toBe(true);
    expect([...dead].filter((id) => ok.has(id))).toEqual([]);
    for (const id of dead) expect(all.filter((c) => c.body['biz_opaque_callback_data'] === id)).toHaveLength(3);
  });

  it('pauses the number when the sandbox answers 190 and sends its held messages after a config update', async () => {
    const n = await register({ token: 'right-token' });
    await h.number(n, sandboxUrl, { token: 'stale-token' });
    await waitForNumber(h, n);
    const reqs = Array.from({ length: 4 }, (_, i) => h.template(n, String(4915400000000 + i)));
    await h.send(reqs);
    await waitForNumber(h, n, 'paused');
    await h.events.settle(1000);
    expect((await calls(n)).filter((c) => c.httpStatus === 200)).toEqual([]);
    await h.number(n, sandboxUrl, { token: 'right-token' });
    await waitFor(async () => (await calls(n)).filter((c) => c.httpStatus === 200).length >= 4, { what: 'held messages sent', timeoutMs: 20000 }).catch(async (err: Error) => {
      const rows = await h.dispatcher!.dataSource.query('SELECT status, version, error_code, error_message FROM messages WHERE phone_number_id = $1', [n]);
      const num = await h.dispatcher!.dataSource.query('SELECT status, revision, paused_at_revision FROM numbers WHERE phone_number_id = $1', [n]);
      throw new Error(`${err.message}: ${JSON.stringify(rows)} ${JSON.stringify(num)} calls ${JSON.stringify((await calls(n)).map((c) => [c.httpStatus, c.response?.error?.code]))}`);
    });
    const ok = (await calls(n)).filter((c) => c.httpStatus === 200).map((c) => c.body['biz_opaque_callback_data']);
    expect([...ok].sort()).toEqual(reqs.map((r) => r.id).sort());
  });
});
