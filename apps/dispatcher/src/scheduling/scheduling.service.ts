import { Clock } from '../common/clock';
import { NumberState, tierLimit } from '../compliance/compliance';
import type { Admitted } from '../admission/admission.service';
import type { Disposition } from '../lifecycle/message-lifecycle';
import { recipientOf } from '../messages/message.repository';
import { metrics } from '../metrics/dispatcher.metrics';
import { NumberRateLimiter } from '../limits/number-rate-limiter';
import { PairLimiter } from '../limits/pair-limiter';
import type { ErrorDecision } from '../retry/backoff';
import { StateStore } from '../state/state.store';
import { Scheduler } from './scheduler';

export interface SchedulingOptions {
  /** Longest wait for a slot in this process; a later slot goes to a retry tier. */
  inlineHorizonMs: number;
  /** Off only for raw-throughput benchmarks. */
  rateLimits?: boolean;
}

/** When an admitted message goes: a time within the inline horizon, or a wait in a retry tier. */
export type Plan = { kind: 'at'; dueAt: number } | Disposition;

/** How long a business-initiated message over the messaging limit waits before it is tried again. */
export const MESSAGING_LIMIT_RETRY_MS = 15 * 60_000;

type NumberLimits = Pick<NumberRateLimiter, 'reserve' | 'release' | 'gate' | 'penalize'>;
type Pair = Pick<PairLimiter, 'reserve' | 'penalize'>;

/**
 * The pipeline's second step: Meta's limits. The messaging limit (unique business-initiated users
 * per portfolio per moving 24 h, shared in Postgres), then limiter slots — the number's, then
 * the pair's; a slot carried by a retry copy was paid for. Waits within the inline horizon are
 * kept here on the injected scheduler; longer ones become retry-tier dispositions that carry
 * the slots they booked. Right before each Graph call the number's gate spreads sends that
 * arrive bunched (NumberRateLimiter).
 */
export class SchedulingService {
  constructor(
    private readonly numbers: NumberLimits,
    private readonly pairs: Pair,
    private readonly state: Pick<StateStore, 'reachPortfolio'>,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly options: SchedulingOptions,
  ) {}

  async plan(a: Admitted): Promise<Plan> {
    const { item, number } = a;
    const now = this.clock.now();
    const recipient = recipientOf(item.request);
    if (a.businessInitiated && Number.isFinite(tierLimit(number.tier)) && !a.reconciledResend) {
      const ok = await this.state.reachPortfolio(number.businessId, recipient, tierLimit(number.tier), now);
      if (!ok) return { kind: 'defer', reason: 'messaging-limit', notBefore: now + MESSAGING_LIMIT_RETRY_MS };
    }
    if (this.options.rateLimits === false) return { kind: 'at', dueAt: Math.max(a.sendAt, now) };
    const horizon = now + this.options.inlineHorizonMs;
    let numberDue = now;
    // A slot booked earlier is used even when its copy comes back late (a late slot re-booked
    // would be lost throughput); the gate spreads what arrives bunched.
    const slotBooked = item.retry?.numberSlot === true;
    if (!slotBooked) {
      numberDue = this.numbers.reserve(number.phoneNumberId, number.mps);
      if (numberDue > horizon) return { kind: 'defer', reason: 'rate-number', notBefore: numberDue, extra: { numberSlot: true } };
    }
    let pairDue = now;
    if (!item.retry?.pairSlot) {
      pairDue = this.pairs.reserve(number.phoneNumberId, recipient);
      if (pairDue > horizon) {
        if (!slotBooked) this.numbers.release(number.phoneNumberId, number.mps);
        return { kind: 'defer', reason: 'rate-pair', notBefore: pairDue, extra: { pairSlot: true } };
      }
    }
    return { kind: 'at', dueAt: Math.max(numberDue, pairDue, a.sendAt, item.retry ? Date.parse(item.retry.notBefore) : 0) };
  }

  /**
   * Runs `fn` when `dueAt` comes. A due send starts at once (in the caller's turn, as the batch's
   * other items are still being admitted), a later one on the scheduler.
   */
  at<T>(dueAt: number, fn: () => Promise<T>): Promise<T> {
    if (dueAt <= this.clock.now()) return fn();
    return this.scheduler.sleepUntil(dueAt).then(fn);
  }

  /** The last check before the HTTP request: waits for the number's gate slot. */
  async gate(number: NumberState): Promise<void> {
    if (this.options.rateLimits === false) return;
    const gateAt = this.numbers.gate(number.phoneNumberId, number.mps);
    metrics.gateWait.observe(Math.max(0, gateAt - this.clock.now()) / 1000);
    if (gateAt > this.clock.now()) await this.scheduler.sleepUntil(gateAt);
  }

  /** Meta throttled the number (130429 class) or the pair (131056): nothing more for them for a while. */
  penalize(number: NumberState, recipient: string, decision: ErrorDecision): void {
    if (decision.action !== 'retry') return;
    if (decision.scope === 'number') this.numbers.penalize(number.phoneNumberId, number.mps, decision.delayMs);
    if (decision.scope === 'pair') this.pairs.penalize(number.phoneNumberId, recipient, decision.delayMs);
  }
}
