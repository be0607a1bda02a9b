import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { INBOUND_MESSAGE_V1, InboundMessageV1, NumberChangedV1, STATUS_UPDATED_V1, StatusUpdatedV1, validateContract } from '@wabridge/contracts';
import { InboundService } from '../inbound/inbound.service';
import { StatusService } from '../status/status.service';
import { NumbersRepository } from './numbers.repository';
import { ParkedEventsRepository } from './parked-events.repository';

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Keeps phone_number_id → tenant from `wa.number.changed.v1` and replays events parked for a
 * number once it is known. The replay runs beside the consumer, not inside its handler: a
 * backlog of thousands of parked messages must not hold the number partition (and its
 * heartbeats) for minutes. A periodic sweep picks up replays cut short by a restart.
 */
@Injectable()
export class NumberService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(NumberService.name);
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private sweeper: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly ds: DataSource,
    private readonly numbers: NumbersRepository,
    private readonly parked: ParkedEventsRepository,
    private readonly inbound: InboundService,
    private readonly statuses: StatusService,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    void this.sweep();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.allSettled([...this.running.values()]);
  }

  async handle(event: NumberChangedV1): Promise<void> {
    await this.ds.transaction(async (em) => {
      await this.numbers.lock(em, event.phoneNumberId);
      await this.numbers.upsert(em, {
        phoneNumberId: event.phoneNumberId, tenantId: event.tenantId, deleted: event.deleted === true,
        revision: event.revision, updatedAt: new Date(event.updatedAt),
      });
    });
    this.scheduleReplay(event.phoneNumberId);
  }

  /** Starts a replay for the number unless one is running (then it runs once more after it). */
  scheduleReplay(phoneNumberId: string): void {
    if (this.stopping) return;
    if (this.running.has(phoneNumberId)) {
      this.again.add(phoneNumberId);
      return;
    }
    const run = this.replayParked(phoneNumberId)
      .catch((err: Error) => this.log.error(`replay of parked events for ${phoneNumberId} failed (the sweep retries): ${err.message}`))
      .then(() => undefined)
      .finally(() => {
        this.running.delete(phoneNumberId);
        if (this.again.delete(phoneNumberId)) this.scheduleReplay(phoneNumberId);
      });
    this.running.set(phoneNumberId, run);
  }

  /** Resolves once no replay is running (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async sweep(): Promise<void> {
    if (this.stopping || !this.ds.isInitialized) return;
    try {
      for (const id of await this.parked.knownNumbersWithParked(this.ds)) this.scheduleReplay(id);
    } catch (err) {
      this.log.warn(`sweep of parked events failed: ${(err as Error).message}`);
    }
  }

  /** Applies parked events in arrival order; each is removed only after it was applied. */
  async replayParked(phoneNumberId: string): Promise<number> {
    const tenantId = await this.numbers.tenantOf(this.ds, phoneNumberId, false);
    if (!tenantId) return 0;
    let replayed = 0;
    while (!this.stopping) {
      const batch = await this.parked.next(this.ds, phoneNumberId, 200);
      if (batch.length === 0) break;
      for (const p of batch) {
        if (this.stopping) break;
        if (p.topic === INBOUND_MESSAGE_V1.topic) {
          const v = validateContract(InboundMessageV1, p.payload);
          if (v.ok) await this.inbound.apply(tenantId, v.value);
          else this.log.error(`dropping unparseable parked inbound ${p.id}: ${v.reason}`);
        } else if (p.topic === STATUS_UPDATED_V1.topic) {
          const v = validateContract(StatusUpdatedV1, p.payload);
          if (v.ok) await this.statuses.apply(tenantId, v.value);
          else this.log.error(`dropping unparseable parked status ${p.id}: ${v.reason}`);
        }
        await this.parked.remove(this.ds, p.id);
        replayed++;
      }
    }
    if (replayed > 0) this.log.log(`replayed ${replayed} parked event(s) for number ${phoneNumberId}`);
    return replayed;
  }
}
