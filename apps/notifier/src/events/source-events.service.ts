import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ACCOUNT_EVENT_V1, AccountEventV1, CONTACT_CHANGED_V1, ContactChangedV1, INBOUND_MESSAGE_V1, InboundMessageV1, NumberChangedV1,
  OUTBOUND_EVENTS_V1, OutboundEventV1, STATUS_UPDATED_V1, StatusUpdatedV1, validateContract, contractFor,
} from '@wabridge/contracts';
import { Clock, PeriodicJob } from '@wabridge/time';
import { CLOCK } from '../common/tokens';
import type { Queryable } from '@wabridge/database';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { NumbersRepository } from '../numbers/numbers.repository';
import { EventStore } from './event-store';
import { fromAccount, fromContact, fromInbound, fromOutbound, fromStatus, MappedEvent } from './public-event.mapper';

/** A consumed source event: the validated payload and the Kafka `tenant-id` header, if any. */
export interface SourceItem<T> {
  payload: T;
  headerTenant?: string;
}

type Tenants = Awaited<ReturnType<NumbersRepository['lookup']>>;
type Park = { topic: string; phoneNumberId?: string; wabaId?: string; payload: object };

const PARKED_SWEEP_MS = 10_000;
/** Events of concurrently consumed batches stored by one statement at most (ADR 0197). */
const MERGE_MAX_EVENTS = 2_000;

/** A consumed batch's events waiting for the next merged statement, and its handler's promise. */
interface Waiter {
  events: MappedEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The tenant an inbound/status event names (added by ingress; optional until every producer stamps it). */
function stampedTenant(e: object, header?: string): string | undefined {
  const own = (e as { tenantId?: unknown }).tenantId;
  return typeof own === 'string' && own.length > 0 ? own : header;
}

/**
 * Turns source events into public events and deliveries, one transaction per consumed batch
 * (the consumer commits offsets only after it): at least once end to end, exactly once per
 * event id in Postgres. Inbound and status events without a tenant are attributed through
 * `wa.number.changed.v1`; those for a number not announced yet are parked until it is.
 */
@Injectable()
export class SourceEventsService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('SourceEvents');
  private readonly sweep = new PeriodicJob(() => this.releaseParked(), PARKED_SWEEP_MS, (err) => this.log.warn(`parked sweep failed: ${err.message}`));
  /** Batches handed over in this turn of the event loop: stored together (ADR 0197). */
  private merging: Waiter[] = [];
  private mergeScheduled = false;

  constructor(
    private readonly ds: DataSource,
    private readonly numbers: NumbersRepository,
    private readonly store: EventStore,
    private readonly worker: DeliveryWorker,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.sweep.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweep.stop();
  }

  /**
   * A consumed batch: one statement when nothing is parked (events and deliveries, atomic by
   * itself, ADR 0096; the fast path's leases in it, ADR 0097), else parking and storing in one
   * transaction.
   */
  async handle(topic: string, items: SourceItem<object>[]): Promise<void> {
    if (items.length === 0) return;
    const now = new Date(this.clock.now());
    const { events, parked } = await this.mapAll(this.ds, topic, items);
    if (parked.length === 0) {
      if (events.length === 0) return;
      // The batches kafkajs hands over together (one per partition of a fetch) are stored by one
      // statement (ADR 0197): each handler resolves once that statement is committed, so offsets
      // are still committed only after their events are stored.
      return new Promise<void>((resolve, reject) => {
        this.merging.push({ events, resolve, reject });
        if (!this.mergeScheduled) {
          this.mergeScheduled = true;
          setImmediate(() => void this.storeMerged());
        }
      });
    }
    const created = await this.ds.transaction(async (em) => {
      await this.numbers.park(em, parked, now);
      return this.store.write(em, events, now);
    });
    if (created > 0) this.worker.wake();
  }

  /** One statement for the waiting batches (more if they hold more than MERGE_MAX_EVENTS events). */
  private async storeMerged(): Promise<void> {
    this.mergeScheduled = false;
    const all = this.merging;
    this.merging = [];
    const groups: Waiter[][] = [];
    let size = MERGE_MAX_EVENTS;
    for (const w of all) {
      if (size + w.events.length > MERGE_MAX_EVENTS) {
        groups.push([]);
        size = 0;
      }
      groups.at(-1)!.push(w);
      size += w.events.length;
    }
    await Promise.all(groups.map(async (group) => {
      try {
        await this.storeNow(group.flatMap((w) => w.events));
        for (const w of group) w.resolve();
      } catch (err) {
        if (group.length === 1) {
          group[0]!.reject(err);
          return;
        }
        // Each batch alone (the statement is idempotent by event id): only a batch that fails by
        // itself fails, so a bad event never costs another partition's batch a retry (or its DLQ).
        for (const w of group) {
          try {
            await this.storeNow(w.events);
            w.resolve();
          } catch (own) {
            w.reject(own);
          }
        }
      }
    }));
  }

  /**
   * Events and deliveries in one statement (ADR 0096); the fast path (ADR 0097): deliveries whose
   * conversation this statement could lease go to the worker in memory, only the rest need a claim.
   */
  private async storeNow(events: MappedEvent[]): Promise<void> {
    const now = new Date(this.clock.now());
    const lease = this.worker.fastLease(now);
    const { leased, waiting } = await this.store.writeAndLease(this.ds, events, now, {}, lease);
    if (lease) this.worker.accept(leased, events, lease.until);
    if (waiting.length > 0) this.worker.waitingBehind(waiting);
  }

  async onNumber(e: NumberChangedV1): Promise<void> {
    await this.numbers.upsert(this.ds, e);
    await this.releaseParked();
  }

  /** Parked events whose number is known now go through the normal path (sweep: a park that raced an announcement). */
  async releaseParked(): Promise<void> {
    for (;;) {
      const n = await this.ds.transaction(async (em) => {
        const parked = await this.numbers.takeResolvable(em);
        let created = 0;
        // consecutive runs of one topic keep their order
        for (let i = 0; i < parked.length; ) {
          let j = i;
          while (j < parked.length && parked[j]!.topic === parked[i]!.topic) j++;
          const topic = parked[i]!.topic;
          const cls = contractFor(topic)?.cls;
          const items = parked.slice(i, j).flatMap((p) => {
            const v = cls ? validateContract(cls, p.payload) : { ok: false as const };
            return v.ok ? [{ payload: v.value }] : [];
          });
          created += await this.apply(em, topic, items);
          i = j;
        }
        return { taken: parked.length, created };
      });
      if (n.created > 0) this.worker.wake();
      if (n.taken > 0) this.log.log(`released ${n.taken} parked event(s)`);
      if (n.taken < 1000) return;
    }
  }

  private async apply(em: Queryable, topic: string, items: SourceItem<object>[]): Promise<number> {
    if (items.length === 0) return 0;
    const now = new Date(this.clock.now());
    const { events, parked } = await this.mapAll(em, topic, items);
    await this.numbers.park(em, parked, now);
    return this.store.write(em, events, now);
  }

  /** Maps a batch; numbers are looked up only for events that carry no tenant (ingress stamps inbound and status events). */
  private async mapAll(q: Queryable, topic: string, items: SourceItem<object>[]): Promise<{ events: MappedEvent[]; parked: Park[] }> {
    const needLookup = items.filter((i) => !this.knowsTenant(topic, i));
    const ids = needLookup.map((i) => i.payload as { phoneNumberId?: string; wabaId?: string });
    const tenants: Tenants = ids.length === 0
      ? { byNumber: new Map(), byWaba: new Map() }
      : await this.numbers.lookup(q, [...new Set(ids.flatMap((p) => (p.phoneNumberId ? [p.phoneNumberId] : [])))], [...new Set(ids.flatMap((p) => (p.wabaId ? [p.wabaId] : [])))]);
    const events: MappedEvent[] = [];
    const parked: Park[] = [];
    for (const item of items) this.map(topic, item, tenants, events, parked);
    return { events, parked };
  }

  /** Whether `map` can attribute the item without the numbers table. */
  private knowsTenant(topic: string, item: SourceItem<object>): boolean {
    if (topic === INBOUND_MESSAGE_V1.topic || topic === STATUS_UPDATED_V1.topic) return stampedTenant(item.payload, item.headerTenant) !== undefined;
    return topic === OUTBOUND_EVENTS_V1.topic || topic === CONTACT_CHANGED_V1.topic;
  }

  private map(topic: string, item: SourceItem<object>, tenants: Tenants, out: MappedEvent[], park: Park[]): void {
    switch (topic) {
      case INBOUND_MESSAGE_V1.topic:
      case STATUS_UPDATED_V1.topic: {
        const e = item.payload as InboundMessageV1 | StatusUpdatedV1;
        const tenant = stampedTenant(e, item.headerTenant) ?? tenants.byNumber.get(e.phoneNumberId);
        if (!tenant) park.push({ topic, phoneNumberId: e.phoneNumberId, payload: e });
        else out.push(topic === INBOUND_MESSAGE_V1.topic ? fromInbound(e as InboundMessageV1, tenant) : fromStatus(e as StatusUpdatedV1, tenant));
        return;
      }
      case OUTBOUND_EVENTS_V1.topic: {
        const m = fromOutbound(item.payload as OutboundEventV1);
        if (m) out.push(m);
        return;
      }
      case CONTACT_CHANGED_V1.topic:
        out.push(fromContact(item.payload as ContactChangedV1));
        return;
      case ACCOUNT_EVENT_V1.topic: {
        const e = item.payload as AccountEventV1;
        const byNumber = e.phoneNumberId ? tenants.byNumber.get(e.phoneNumberId) : undefined;
        const list = byNumber ? [byNumber] : e.phoneNumberId ? [] : (tenants.byWaba.get(e.wabaId) ?? []);
        if (list.length === 0) park.push({ topic, phoneNumberId: e.phoneNumberId, wabaId: e.wabaId, payload: e });
        for (const t of list) {
          const m = fromAccount(e, t);
          if (m) out.push(m);
        }
        return;
      }
      default:
        throw new Error(`no mapping for topic ${topic}`);
    }
  }
}


