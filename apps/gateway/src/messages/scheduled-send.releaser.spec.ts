import { ManualClock } from '@wabridge/time';
import type { OutboundRequestedV1 } from '@wabridge/contracts';
import type { EventProducer } from '@wabridge/kafka';
import type { ResolvedGatewayEnv } from '../config/gateway.env';
import { ScheduledSendReleaser } from './scheduled-send.releaser';
import type { DueSend, ScheduledSendsRepository } from './scheduled-sends.repository';

/** The repository's state rules (ADR 0150) in memory; the SQL itself is covered by scheduled-sends.int-spec.ts. */
class MemoryScheduledSends {
  rows = new Map<string, { sendAt: number; state: 'pending' | 'releasing' | 'released' | 'cancelled'; claimedAt?: number; command: OutboundRequestedV1 }>();

  add(id: string, sendAt: number): void {
    const command = { id, tenantId: 't', phoneNumberId: '1', to: '14155550123', type: 'text', message: { type: 'text', text: { body: id } }, sendAt: new Date(sendAt).toISOString(), source: 'api', requestedAt: new Date(0).toISOString() } as OutboundRequestedV1;
    this.rows.set(id, { sendAt, state: 'pending', command });
  }

  async claimDue(dueBy: Date, staleBefore: Date, now: Date, limit: number): Promise<DueSend[]> {
    const out: DueSend[] = [];
    for (const [id, r] of this.rows) {
      if (out.length >= limit) break;
      if ((r.state === 'pending' && r.sendAt <= dueBy.getTime()) || (r.state === 'releasing' && r.claimedAt! < staleBefore.getTime())) {
        r.state = 'releasing';
        r.claimedAt = now.getTime();
        out.push({ message_id: id, tenant_id: 't', phone_number_id: '1', command: r.command });
      }
    }
    return out;
  }

  async markReleased(ids: string[]): Promise<void> {
    for (const id of ids) if (this.rows.get(id)?.state === 'releasing') this.rows.get(id)!.state = 'released';
  }

  cancel(id: string): boolean {
    const r = this.rows.get(id);
    if (r?.state !== 'pending') return false;
    r.state = 'cancelled';
    return true;
  }
}

const LEAD = 1500;
const INTERVAL = 250;
const RETRY = 10_000;

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0, 0));
  const repo = new MemoryScheduledSends();
  const produced: { at: number; command: OutboundRequestedV1 }[] = [];
  let failNext = false;
  const producer = {
    send: async (r: { value: OutboundRequestedV1 }) => {
      if (failNext) throw new Error('kafka unavailable');
      produced.push({ at: clock.now(), command: r.value });
    },
  } as unknown as EventProducer;
  const env = { SCHEDULED_RELEASE_LEAD_MS: LEAD, SCHEDULED_RELEASE_INTERVAL_MS: INTERVAL, SCHEDULED_RELEASE_RETRY_MS: RETRY } as ResolvedGatewayEnv;
  const releaser = new ScheduledSendReleaser(repo as unknown as ScheduledSendsRepository, producer, env, clock);
  /** Runs the releaser every INTERVAL for `ms`, as its periodic job does (which logs a failed run and goes on). */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += INTERVAL) {
      clock.advance(INTERVAL);
      await releaser.releaseDue().catch(() => undefined);
    }
  };
  return { clock, repo, produced, run, failing: (v: boolean) => { failNext = v; } };
}

/** The dispatcher sends a released command at max(sendAt, when it got it): it waits in-process for a sendAt within its 2 s inline horizon. */
const firesAt = (p: { at: number; command: OutboundRequestedV1 }) => Math.max(p.at, Date.parse(p.command.sendAt!));

describe('ScheduledSendReleaser (fake clock)', () => {
  it('gives every scheduled send to the dispatcher before its time, so it fires within 1 s of sendAt, each once', async () => {
    const { clock, repo, produced, run } = setup();
    const start = clock.now();
    // due times that do not line up with the releaser's ticks
    const offsets = [3_000, 3_137, 10_001, 59_999, 3_600_000 + 77];
    offsets.forEach((o, i) => repo.add(`m${i}`, start + o));
    await run(3_600_000 + 5_000);
    expect(produced.map((p) => p.command.id).sort()).toEqual(offsets.map((_, i) => `m${i}`));
    for (const p of produced) {
      const sendAt = Date.parse(p.command.sendAt!);
      expect(p.at).toBeLessThanOrEqual(sendAt); // released ahead of time …
      expect(sendAt - p.at).toBeLessThanOrEqual(LEAD); // … but not earlier than the lead
      expect(firesAt(p) - sendAt).toBeLessThan(1000);
    }
  });

  it('does not release a send before it is due within the lead', async () => {
    const { clock, repo, produced, run } = setup();
    repo.add('later', clock.now() + 60_000);
    await run(60_000 - LEAD - INTERVAL);
    expect(produced).toEqual([]);
    await run(2 * INTERVAL);
    expect(produced.map((p) => p.command.id)).toEqual(['later']);
  });

  it('never releases a send cancelled before it was due', async () => {
    const { clock, repo, produced, run } = setup();
    repo.add('kept', clock.now() + 5_000);
    repo.add('cancelled', clock.now() + 5_000);
    await run(2_000);
    expect(repo.cancel('cancelled')).toBe(true);
    await run(10_000);
    expect(produced.map((p) => p.command.id)).toEqual(['kept']);
    expect(repo.cancel('kept')).toBe(false); // released: too late to cancel
  });

  it('releases at once what fell due while no gateway was running (restart)', async () => {
    const { clock, repo, produced, run } = setup();
    repo.add('missed', clock.now() + 1_000);
    clock.advance(120_000); // down for two minutes
    await run(INTERVAL);
    expect(produced.map((p) => p.command.id)).toEqual(['missed']);
  });

  it('produces again a send whose produce failed, after the retry delay (the dispatcher deduplicates by id)', async () => {
    const { clock, repo, produced, run, failing } = setup();
    repo.add('flaky', clock.now() + 2_000);
    failing(true);
    await run(2_000);
    expect(produced).toEqual([]);
    expect(repo.rows.get('flaky')!.state).toBe('releasing');
    expect(repo.cancel('flaky')).toBe(false); // its command may be on the topic already
    failing(false);
    // claimed at 500 ms (due at 2 s minus the lead), now at 2 s: not again before 500 ms + RETRY
    await run(RETRY - 2_000);
    expect(produced).toEqual([]);
    await run(4 * INTERVAL);
    expect(produced.map((p) => p.command.id)).toEqual(['flaky']);
    expect(repo.rows.get('flaky')!.state).toBe('released');
  });
});
