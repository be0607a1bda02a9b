import { verifyWebhookSignature } from '@wabridge/meta';
import { FakeClock } from '../common/clock';
import { WebhookUpdate } from './webhook-envelope';
import { OutboxLimits, WebhookOutbox } from './webhook-outbox';

const LIMITS: OutboxLimits = { maxPending: 100, batchMax: 3, concurrency: 4, timeoutMs: 1000, maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 60_000 };
const TARGET = { url: 'http://127.0.0.1:1/hook', appSecret: 's3cret' };

function status(id: string, s = 'sent'): WebhookUpdate {
  return { wabaId: 'waba', field: 'messages', kind: 'status', phoneNumber: { id: 'pn', display: '1555' }, value: { id, status: s }, contact: { wa_id: '1650', user_id: 'US.1' } };
}

interface Posted {
  raw: Buffer;
  headers: Record<string, string>;
}

function setup(answers: number[] = [], limits: OutboxLimits = LIMITS): { clock: FakeClock; outbox: WebhookOutbox; posted: Posted[] } {
  const clock = new FakeClock();
  const posted: Posted[] = [];
  const outbox = new WebhookOutbox(clock, () => 0.5, limits, async (_url, raw, headers) => {
    posted.push({ raw, headers });
    return answers.shift() ?? 200;
  });
  return { clock, outbox, posted };
}

function statusesOf(p: Posted): unknown[] {
  const body = JSON.parse(p.raw.toString('utf8')) as { entry: { changes: { value: { statuses?: unknown[] } }[] }[] };
  return body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.statuses ?? []));
}

describe('WebhookOutbox', () => {
  it('waits until updates are due, then batches those due together into signed POSTs of at most batchMax', async () => {
    const { clock, outbox, posted } = setup();
    for (let i = 0; i < 4; i++) outbox.enqueue(TARGET, status(`w${i}`), clock.now() + 100);
    await outbox.tick();
    expect(posted).toHaveLength(0);
    clock.advance(100);
    await outbox.tick();
    expect(posted.map(statusesOf).map((s) => s.length)).toEqual([3, 1]);
    for (const p of posted) expect(verifyWebhookSignature(p.raw, p.headers['x-hub-signature-256'], 's3cret')).toBe(true);
    const body = JSON.parse(posted[0]?.raw.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1555', phone_number_id: 'pn' }, contacts: [{ wa_id: '1650', user_id: 'US.1' }], statuses: [{ id: 'w0', status: 'sent' }, { id: 'w1', status: 'sent' }, { id: 'w2', status: 'sent' }] } }] }],
    });
    expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 2, deliveredUpdates: 4 });
  });

  it('retries a failed POST with exponential backoff and gives up after maxAttempts', async () => {
    const { clock, outbox, posted } = setup([500, 503, 500]);
    outbox.enqueue(TARGET, status('w1'));
    await outbox.tick();
    expect(posted).toHaveLength(1);
    clock.advance(999);
    await outbox.tick();
    expect(posted).toHaveLength(1);
    clock.advance(1);
    await outbox.tick();
    expect(posted).toHaveLength(2);
    clock.advance(2000);
    await outbox.tick();
    expect(posted).toHaveLength(3);
    expect(posted[2]?.raw).toEqual(posted[0]?.raw);
    clock.advance(100_000);
    await outbox.tick();
    expect(posted).toHaveLength(3);
    expect(outbox.stats()).toMatchObject({ failedAttempts: 3, exhausted: 1, pending: 0, awaitingRetry: 0 });
  });

  it('delivers on a retry after the receiver recovers, and treats a network error like a failure', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const outbox = new WebhookOutbox(clock, () => 0.5, LIMITS, async () => {
      calls++;
      if (calls === 1) throw new Error('ECONNREFUSED');
      return 200;
    });
    outbox.enqueue(TARGET, status('w1'));
    await outbox.tick();
    clock.advance(1000);
    await outbox.tick();
    expect(calls).toBe(2);
    expect(outbox.stats()).toMatchObject({ delivered: 1, failedAttempts: 1, pending: 0 });
  });

  it('drops new updates once it holds maxPending, and counts them', async () => {
    const { outbox } = setup([], { ...LIMITS, maxPending: 5 });
    const accepted = Array.from({ length: 8 }, (_, i) => outbox.enqueue(TARGET, status(`w${i}`), Number.MAX_SAFE_INTEGER));
    expect(accepted.filter(Boolean)).toHaveLength(5);
    expect(outbox.stats()).toMatchObject({ pending: 5, dropped: 3 });
  });

  it('caps backoff at retryMaxMs with ±20 % jitter', () => {
    const outbox = new WebhookOutbox(new FakeClock(), () => 1, { ...LIMITS, retryMaxMs: 10_000 }, async () => 200);
    expect(outbox.backoffMs(1)).toBe(1200);
    expect(outbox.backoffMs(30)).toBe(12_000);
  });
});
