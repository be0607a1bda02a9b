import type { Admitted } from '../admission/admission.service';
import { NumberRateLimiter } from '../limits/number-rate-limiter';
import { PairLimiter } from '../limits/pair-limiter';
import { ManualScheduler } from '../testing/manual-scheduler';
import { number, request, retryOf, row, T0 } from '../testing/pipeline-fakes';
import { MESSAGING_LIMIT_RETRY_MS, SchedulingService } from './scheduling.service';
import { WorkItem } from '../messages/work-item';
import { ManualClock } from '../common/clock';

/** Real limiters on a fake clock; the portfolio's reach answers what the test says. */
function setup(o: { mps?: number; pair?: { burst: number; refillMs: number }; reach?: boolean; rateLimits?: boolean } = {}) {
  const scheduler = new ManualScheduler(new ManualClock(T0));
  const clock = scheduler.clock;
  const numbers = new NumberRateLimiter(clock, 0.25, 0.5);
  const pairs = new PairLimiter(clock, o.pair ?? { burst: 45, refillMs: 6000 });
  const reached: string[] = [];
  const state = { reachPortfolio: async (_b: string, recipient: string) => { reached.push(recipient); return o.reach ?? true; } };
  const scheduling = new SchedulingService(numbers, pairs, state, clock, scheduler, { inlineHorizonMs: 2000, rateLimits: o.rateLimits });
  const n = number({ mps: o.mps ?? 80, tier: '250' });
  const admitted = (item: WorkItem = { request: request() }, a: Partial<Admitted> = {}): Admitted => ({
    kind: 'admit', item, row: row(item.request), number: n, reconciledResend: false, businessInitiated: false, sendAt: 0, ...a,
  });
  return { scheduler, clock, scheduling, numbers, pairs, admitted, reached, n };
}

describe('scheduling: Meta\'s limits, waits on an injected scheduler', () => {
  it('gives slots within the horizon at the number\'s rate and runs the send at its slot\'s fake time, not before', async () => {
    const { scheduling, scheduler, admitted } = setup({ mps: 4 }); // bucket of 1 (0.25 s × 4), then one per 250 ms
    const plans = [];
    for (let i = 0; i < 3; i++) plans.push(await scheduling.plan(admitted()));
    expect(plans).toEqual([{ kind: 'at', dueAt: T0 }, { kind: 'at', dueAt: T0 + 250 }, { kind: 'at', dueAt: T0 + 500 }]);

    const fired: number[] = [];
    const runs = plans.map((p) => p.kind === 'at' && scheduling.at(p.dueAt, async () => { fired.push(scheduler.clock.now()); }));
    expect(fired).toEqual([T0]); // a due send starts in the caller's turn
    await scheduler.advance(249);
    expect(fired).toEqual([T0]);
    await scheduler.advance(1);
    expect(fired).toEqual([T0, T0 + 250]);
    await scheduler.advance(250);
    await Promise.all(runs);
    expect(fired).toEqual([T0, T0 + 250, T0 + 500]);
  });

  it('defers to a retry tier when the number\'s limiter is full past the horizon, carrying the slot it booked', async () => {
    const { scheduling, admitted } = setup({ mps: 1 }); // one per second: the 4th slot is 3 s out
    for (let i = 0; i < 3; i++) expect((await scheduling.plan(admitted())).kind).toBe('at');
    expect(await scheduling.plan(admitted())).toEqual({ kind: 'defer', reason: 'rate-number', notBefore: T0 + 3000, extra: { numberSlot: true } });
  });

  it('defers a full pair and gives the number\'s slot back', async () => {
    const { scheduling, numbers, admitted, n } = setup({ mps: 1, pair: { burst: 1, refillMs: 6000 } });
    expect(await scheduling.plan(admitted())).toEqual({ kind: 'at', dueAt: T0 });
    expect(await scheduling.plan(admitted())).toEqual({ kind: 'defer', reason: 'rate-pair', notBefore: T0 + 6000, extra: { pairSlot: true } });
    // The slot the pair could not use went back: the next one is 1 s out, not 2 s.
    expect(numbers.reserve(n.phoneNumberId, n.mps)).toBe(T0 + 1000);
  });

  it('does not book again the slots a retry copy carries, and goes at the copy\'s own time', async () => {
    const { scheduling, numbers, pairs, admitted, n } = setup({ mps: 1, pair: { burst: 1, refillMs: 6000 } });
    const req = request();
    const retry = retryOf(req, { numberSlot: true, pairSlot: true, notBefore: new Date(T0 + 1500).toISOString() });
    expect(await scheduling.plan(admitted({ request: req, retry }))).toEqual({ kind: 'at', dueAt: T0 + 1500 });
    expect(numbers.reserve(n.phoneNumberId, n.mps)).toBe(T0);
    expect(pairs.reserve(n.phoneNumberId, '4915100000001')).toBe(T0);
  });

  it('defers a business-initiated message over the messaging limit by 15 minutes; a reconciled resend is not counted again', async () => {
    const { scheduling, admitted, reached } = setup({ reach: false });
    expect(await scheduling.plan(admitted(undefined, { businessInitiated: true }))).toEqual({ kind: 'defer', reason: 'messaging-limit', notBefore: T0 + MESSAGING_LIMIT_RETRY_MS });
    expect(reached).toHaveLength(1);
    expect((await scheduling.plan(admitted(undefined, { businessInitiated: true, reconciledResend: true }))).kind).toBe('at');
    expect(reached).toHaveLength(1);
  });

  it('holds a send at the gate until the number\'s gate slot comes, and not at all with limits off', async () => {
    const { scheduling, scheduler, n } = setup({ mps: 2 }); // gate depth 1 (0.5 s × 2), then one per 500 ms
    await scheduling.gate(n);
    let through = false;
    const second = scheduling.gate(n).then(() => { through = true; });
    await scheduler.advance(499);
    expect(through).toBe(false);
    await scheduler.advance(1);
    await second;
    expect(through).toBe(true);

    const off = setup({ mps: 2, rateLimits: false });
    await off.scheduling.gate(off.n);
    await off.scheduling.gate(off.n);
    expect(off.scheduler.pending()).toEqual([]);
  });

  it('penalizes the number after a per-number throttle and the pair after a pair throttle', async () => {
    const { scheduling, numbers, pairs, n } = setup({ mps: 80 });
    scheduling.penalize(n, '4915100000001', { action: 'retry', scope: 'number', delayMs: 1000, backoffStep: 1 });
    expect(numbers.reserve(n.phoneNumberId, n.mps)).toBeGreaterThanOrEqual(T0 + 1000);
    scheduling.penalize(n, '4915100000002', { action: 'retry', scope: 'pair', delayMs: 4000, backoffStep: 1 });
    expect(pairs.reserve(n.phoneNumberId, '4915100000002')).toBeGreaterThanOrEqual(T0 + 4000);
    expect(pairs.reserve(n.phoneNumberId, '4915100000003')).toBe(T0);
  });
});
