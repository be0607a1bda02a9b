import { ManualClock } from '../common/clock';
import { AdmissionService } from '../admission/admission.service';
import { ContactState } from '../compliance/compliance';
import { ErrorSideEffects } from '../errors/error-side-effects';
import { MessageLifecycle } from '../lifecycle/message-lifecycle';
import { NumberRateLimiter } from '../limits/number-rate-limiter';
import { PairLimiter } from '../limits/pair-limiter';
import { DEFAULT_BACKOFF } from '../retry/backoff';
import { SchedulingService } from '../scheduling/scheduling.service';
import { GraphResult, GraphSendInput } from '../sending/graph.client';
import { SendingService } from '../sending/sending.service';
import { StateStore } from '../state/state.store';
import { ManualScheduler } from '../testing/manual-scheduler';
import { InMemoryMessages, number, RecordingProducer, request, T0 } from '../testing/pipeline-fakes';
import { OutboundProcessor } from './outbound.processor';

/**
 * The four providers wired as in app.factory, on a fake clock and scheduler, with the messages
 * table, Kafka and Graph replaced by in-memory doubles: one batch through the whole pipeline.
 */
function pipeline(o: { mps?: number; graphLatencyMs?: number; gateWaitMs?: number; answer?: (body: Record<string, unknown>) => GraphResult } = {}) {
  const scheduler = new ManualScheduler(new ManualClock(T0));
  const clock = scheduler.clock;
  const repo = new InMemoryMessages();
  const producer = new RecordingProducer();
  const open: ContactState = { optedOut: false, reachable: true, windowOpenUntil: T0 + 3600_000 };
  const state = {
    number: async () => number({ mps: o.mps ?? 80 }),
    contacts: async (_t: string, _n: string, recipients: string[]) => new Map(recipients.map((r) => [r, open])),
    templateStatus: async () => undefined, marketingHolds: async () => new Map(), templateCategory: async () => undefined,
    reachPortfolio: async () => true, accessToken: async () => 'token', pauseNumber: async () => true, freshStatus: async () => 'paused',
  } as unknown as StateStore;
  const graphCalls: { at: number; body: Record<string, unknown> }[] = [];
  const graph = {
    send: async (i: GraphSendInput): Promise<GraphResult> => {
      graphCalls.push({ at: clock.now(), body: i.body });
      if (o.graphLatencyMs) await scheduler.sleepUntil(clock.now() + o.graphLatencyMs);
      return o.answer?.(i.body) ?? { ok: true, wamid: `wamid.${graphCalls.length}`, httpStatus: 200 };
    },
  };
  const lifecycle = new MessageLifecycle(repo, state, producer, clock);
  // A number's gate held back (Meta throttled it): every send waits there this long.
  const scheduling = (s: SchedulingService): SchedulingService => {
    if (o.gateWaitMs) s.gate = () => scheduler.sleepUntil(clock.now() + (o.gateWaitMs ?? 0));
    return s;
  };
  const processor = new OutboundProcessor(
    new AdmissionService(repo, state, clock, { inlineHorizonMs: 2000, reconcileTimeoutMs: 120_000, unknownNumberGraceMs: 30_000 }),
    scheduling(new SchedulingService(new NumberRateLimiter(clock, 0.25, 0.5), new PairLimiter(clock), state, clock, scheduler, { inlineHorizonMs: 2000 })),
    new SendingService(graph, state, new ErrorSideEffects(state, clock), clock, () => 0.5, { reconcileTimeoutMs: 120_000, backoff: DEFAULT_BACKOFF }),
    lifecycle,
  );
  return { processor, scheduler, repo, producer, graphCalls };
}

describe('the outbound processor runs a batch through admission → scheduling → sending → lifecycle', () => {
  it('sends a number\'s messages at their slots on the scheduler, concurrently, and resolves only when all are durable', async () => {
    const p = pipeline({ mps: 4, graphLatencyMs: 1000 }); // one at once, then one per 250 ms; Graph answers after 1 s
    const reqs = [request(), request(), request(), request({ to: '4915100000002' })];
    let done = false;
    const batch = p.processor.process(reqs.map((r) => ({ request: r }))).then(() => { done = true; });
    await p.scheduler.advance(0);
    expect(p.graphCalls.map((c) => c.at)).toEqual([T0]);
    await p.scheduler.advance(500);
    expect(p.graphCalls.map((c) => c.at)).toEqual([T0, T0 + 250, T0 + 500]);
    expect(done).toBe(false);
    await p.scheduler.advance(250);
    expect(p.graphCalls.map((c) => c.at)).toEqual([T0, T0 + 250, T0 + 500, T0 + 750]); // none waited for an earlier answer
    expect(done).toBe(false);
    await p.scheduler.advance(1000);
    await batch;
    expect(p.graphCalls.map((c) => c.body['biz_opaque_callback_data'])).toEqual(reqs.map((r) => r.id));
    expect(done).toBe(true);
    for (const r of reqs) expect(p.repo.rows.get(r.id)).toMatchObject({ status: 'sent' });
    expect(p.producer.events().filter((e) => e === 'accepted')).toHaveLength(4);
    expect(p.producer.events().filter((e) => e === 'sent')).toHaveLength(4);
  });

  it('claims a message only when its call leaves: a long wait at the number\'s gate never leaves it "attempting" (a new owner would resend it)', async () => {
    const p = pipeline({ gateWaitMs: 300_000 }); // longer than the reconcile timeout (120 s)
    const req = request();
    const batch = p.processor.process([{ request: req }]);
    await p.scheduler.advance(299_000);
    expect(p.graphCalls).toHaveLength(0);
    expect(p.repo.rows.get(req.id)).toMatchObject({ status: 'accepted' }); // not claimed while it waits
    await p.scheduler.advance(1000);
    await batch;
    expect(p.graphCalls.map((c) => c.at)).toEqual([T0 + 300_000]);
    expect(p.repo.rows.get(req.id)).toMatchObject({ status: 'sent', attempted_at: new Date(T0 + 300_000) });
  });

  it('does the work of a redelivered batch once: the second copy of each message is skipped', async () => {
    const p = pipeline();
    const reqs = [request(), request()];
    await p.processor.process(reqs.map((r) => ({ request: r })));
    await p.processor.process(reqs.map((r) => ({ request: r })));
    expect(p.graphCalls).toHaveLength(2);
    expect(p.producer.events()).toEqual(['accepted', 'accepted', 'sent', 'sent']);
  });

  it('hands a Graph refusal to the lifecycle as the sending step decided it (131026: failed, once)', async () => {
    const p = pipeline({ answer: () => ({ ok: false, error: { class: 'permanent', code: 131026, message: 'undeliverable', httpStatus: 400 } }) });
    const req = request();
    await p.processor.process([{ request: req }]);
    expect(p.repo.rows.get(req.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(p.producer.events()).toEqual(['accepted', 'failed']);
  });
});
