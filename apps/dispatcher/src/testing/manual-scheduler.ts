import { ManualClock } from '../common/clock';
import { Scheduler } from '../scheduling/scheduler';

/**
 * For tests: timers fire only when `advance`/`advanceTo` moves the clock past them, in due order,
 * and each fired timer's follow-up work (promise callbacks) runs before the next one fires.
 */
export class ManualScheduler implements Scheduler {
  private readonly timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;

  constructor(readonly clock: ManualClock = new ManualClock()) {}

  sleepUntil(epochMs: number): Promise<void> {
    if (epochMs <= this.clock.now()) return Promise.resolve();
    return new Promise((resolve) => {
      this.timers.push({ at: epochMs, seq: this.seq++, fire: resolve });
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Timers not fired yet, as due times (epoch ms). */
  pending(): number[] {
    return this.timers.map((t) => t.at);
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.clock.now() + ms);
  }

  async advanceTo(epochMs: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > epochMs) break;
      this.timers.shift();
      this.clock.set(next.at);
      next.fire();
      await settle();
    }
    this.clock.set(Math.max(this.clock.now(), epochMs));
    await settle();
  }
}

/** Lets pending promise callbacks run (several rounds: an async chain may take a few hops). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
