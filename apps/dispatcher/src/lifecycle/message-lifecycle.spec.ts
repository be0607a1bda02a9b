import { ManualClock } from '../common/clock';
import { MessageRow } from '../messages/message.repository';
import { InMemoryMessages, number, RecordingProducer, request, retryOf, row, T0 } from '../testing/pipeline-fakes';
import { MessageLifecycle, tierFor } from './message-lifecycle';

function setup(o: { pauses?: boolean; freshStatus?: string } = {}) {
  const clock = new ManualClock(T0);
  const repo = new InMemoryMessages();
  const producer = new RecordingProducer();
  const paused: string[] = [];
  const state = {
    pauseNumber: async (id: string) => { paused.push(id); return o.pauses ?? true; },
    freshStatus: async () => o.freshStatus ?? 'paused',
  };
  const lifecycle = new MessageLifecycle(repo, state, producer, clock);
  const stored = (r: MessageRow): MessageRow => { repo.put(r); return r; };
  return { lifecycle, repo, producer, paused, stored, clock };
}

describe('lifecycle: each transition with its event, retry tiers and the DLQ', () => {
  it('emits exactly one event per transition: a second copy naming the same version changes nothing and tells nothing', async () => {
    const { lifecycle, repo, producer, stored } = setup();
    const req = request();
    const r = stored(row(req, { version: 4 }));
    await lifecycle.settle({ request: req }, r, { kind: 'reject', code: 'outside-window', reason: 'closed' });
    await lifecycle.settle({ request: req }, r, { kind: 'reject', code: 'outside-window', reason: 'closed' });
    expect(repo.rows.get(req.id)).toMatchObject({ status: 'rejected', version: 5 });
    expect(producer.events()).toEqual(['rejected']);
    expect(producer.sent[0]).toMatchObject({
      key: `1500001:4915100000001`,
      value: { id: req.id, event: 'rejected', error: { class: 'compliance', message: 'outside-window: closed' }, occurredAt: new Date(T0).toISOString() },
    });
  });

  it('defers through the tier that fits the wait, with its version, and tells the customer only about waits it should see', async () => {
    const { lifecycle, producer, stored } = setup();
    const req = request();
    const version = await lifecycle.defer({ request: req }, stored(row(req)), 'transient', T0 + 45_000, { lastError: '131000: boom', backoffStep: 0 });
    expect(version).toBe(1);
    expect(producer.sent.map((e) => e.topic)).toEqual(['wa.outbound.retry.v1.30s', 'wa.outbound.events.v1']);
    expect(producer.sent[0]!.value).toMatchObject({ request: { id: req.id }, version: 1, reason: 'transient', notBefore: new Date(T0 + 45_000).toISOString(), lastError: '131000: boom' });
    expect(producer.events()).toEqual(['retry-scheduled']);

    const quiet = setup();
    const a = request();
    const b = request();
    const c = request();
    await quiet.lifecycle.defer({ request: a }, quiet.stored(row(a)), 'rate-number', T0 + 3000, { numberSlot: true });
    await quiet.lifecycle.defer({ request: b }, quiet.stored(row(b)), 'transient', T0 + 500, { hop: true });
    await quiet.lifecycle.defer({ request: c }, quiet.stored(row(c)), 'window-pending', T0 + 1000, {});
    expect(quiet.producer.sent.map((e) => e.topic)).toEqual(['wa.outbound.retry.v1', 'wa.outbound.retry.v1', 'wa.outbound.retry.v1']);
    expect(quiet.producer.events()).toEqual([]);
  });

  it('keeps the slots a pair-limited copy already booked for its number', async () => {
    const { lifecycle, producer, stored } = setup();
    const req = request();
    await lifecycle.defer({ request: req, retry: retryOf(req, { numberSlot: true }) }, stored(row(req, { version: 1, status: 'scheduled' })), 'rate-pair', T0 + 6000, { pairSlot: true });
    expect(producer.sent[0]!.value).toMatchObject({ numberSlot: true, pairSlot: true, reason: 'rate-pair' });
  });

  it('dead-letters: row failed, the request on the DLQ, one dead-lettered event', async () => {
    const { lifecycle, repo, producer, stored } = setup();
    const req = request();
    const error = { class: 'transient' as const, code: 131000, message: 'boom' };
    await lifecycle.settle({ request: req }, stored(row(req, { status: 'attempting', version: 7, attempts: 5 })), { kind: 'dead-letter', reason: 'transient errors after 5 attempt(s)', error });
    expect(repo.rows.get(req.id)).toMatchObject({ status: 'failed', version: 8 });
    expect(producer.sent.map((e) => e.topic)).toEqual(['wa.outbound.dlq.v1', 'wa.outbound.events.v1']);
    expect(producer.sent[0]!.value).toMatchObject({ request: { id: req.id }, reason: 'transient errors after 5 attempt(s)', attempts: 5, error });
    expect(producer.events()).toEqual(['dead-lettered']);
  });

  it('pauses the number and holds the message with a visible wait; a config that changed meanwhile is tried again instead', async () => {
    const error = { class: 'auth' as const, code: 190, message: 'token expired' };
    const held = setup({ pauses: true });
    const req = request();
    await held.lifecycle.settle({ request: req }, held.stored(row(req, { status: 'attempting', version: 2, attempts: 1 })), { kind: 'pause-number', number: number(), error });
    expect(held.paused).toEqual(['1500001']);
    expect(held.repo.rows.get(req.id)).toMatchObject({ status: 'paused' });
    expect(held.producer.events()).toEqual(['retry-scheduled']);
    expect(held.producer.sent[0]!.value).toMatchObject({ error: { class: 'auth', code: 190, message: 'number paused: token expired' } });
    expect((held.producer.sent[0]!.value as { notBefore?: string }).notBefore).toBeUndefined();

    const stale = setup({ pauses: false });
    const again = request();
    await stale.lifecycle.settle({ request: again }, stale.stored(row(again, { status: 'attempting', version: 2, attempts: 1 })), { kind: 'pause-number', number: number(), error });
    expect(stale.repo.rows.get(again.id)).toMatchObject({ status: 'scheduled' });
    expect(stale.producer.sent.map((e) => e.topic)).toEqual(['wa.outbound.retry.v1', 'wa.outbound.events.v1']);
    expect(stale.producer.sent[0]!.value).toMatchObject({ reason: 'resume', notBefore: new Date(T0 + 1000).toISOString() });
  });

  it('re-queues a message held just after its number resumed', async () => {
    const { lifecycle, repo, producer, stored } = setup({ freshStatus: 'active' });
    const req = request();
    await lifecycle.settle({ request: req }, stored(row(req)), { kind: 'hold', reason: 'number paused: review' });
    expect(repo.rows.get(req.id)).toMatchObject({ status: 'scheduled', version: 2 });
    expect(producer.sent.map((e) => e.topic)).toEqual(['wa.outbound.events.v1', 'wa.outbound.retry.v1', 'wa.outbound.events.v1']);
    expect(producer.events()).toEqual(['retry-scheduled', 'retry-scheduled']);
  });

  it('claims an attempt once and records the send with its wamid; a failed attempt names its attempt', async () => {
    const { lifecycle, repo, producer, stored } = setup();
    const req = request();
    const r = stored(row(req, { version: 1, status: 'scheduled' }));
    const claimed = await lifecycle.startAttempt(r, false);
    expect(claimed).toEqual({ version: 2, attempts: 1 });
    expect(await lifecycle.startAttempt(r, false)).toBeNull(); // the other copy lost the claim
    await lifecycle.sent(req, 'wamid.A', 1);
    expect(repo.rows.get(req.id)).toMatchObject({ status: 'sent', wamid: 'wamid.A' });
    expect(producer.sent.map((e) => e.value)).toEqual([expect.objectContaining({ event: 'sent', wamid: 'wamid.A', attempt: 1 })]);

    const failed = setup();
    const f = request();
    await failed.lifecycle.settle({ request: f }, failed.stored(row(f, { status: 'attempting', version: 3, attempts: 2 })), { kind: 'fail', error: { class: 'permanent', code: 131026, message: 'undeliverable' }, attempt: 2 });
    expect(failed.producer.sent.map((e) => e.value)).toEqual([expect.objectContaining({ event: 'failed', attempt: 2, error: { class: 'permanent', code: 131026, message: 'undeliverable' } })]);
  });

  it('applies a status webhook\'s transition and its event together, or neither when another writer was first', async () => {
    const { lifecycle, producer, stored } = setup();
    const req = request();
    const r = stored(row(req, { status: 'sent', version: 3, wamid: 'wamid.A' }));
    expect(await lifecycle.statusApplied(r, 'delivered', 'wamid.A')).toBe(true);
    expect(await lifecycle.statusApplied(r, 'delivered', 'wamid.A')).toBe(false); // row is no longer `sent`
    expect(producer.events()).toEqual(['delivered']);
  });

  it('picks the longest tier not longer than the wait', () => {
    expect([0, 999, 1000, 4999, 5000, 119_999, 600_000, 86_400_000].map((w) => tierFor(w).topic)).toEqual([
      'wa.outbound.retry.v1', 'wa.outbound.retry.v1', 'wa.outbound.retry.v1', 'wa.outbound.retry.v1', 'wa.outbound.retry.v1.5s',
      'wa.outbound.retry.v1.30s', 'wa.outbound.retry.v1.10m', 'wa.outbound.retry.v1.1h',
    ]);
  });
});
