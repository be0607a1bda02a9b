import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { HEADER, OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1 } from '@wabridge/contracts';
import { DATA_SOURCE } from '../tokens';
import { applyLifecycleEvent, HistoryEntry, LifecycleState } from './message-lifecycle';
import { MessagesRepository } from './messages.repository';

/**
 * Projects the dispatcher's lifecycle events onto the messages table. Only those: the
 * dispatcher owns the status machine (ADR 0035) and turns Meta's status webhooks into
 * `delivered`/`read`/`failed` events, so the gateway never hears a status twice nor judges
 * one differently. Every handler is idempotent.
 */
/** Sources of the commands the gateway accepts itself: their rows exist before the command is produced. */
const OWN_SOURCES: ReadonlySet<string> = new Set(['api', 'cloud-api']);

export function isOwnSource(source: string | undefined): boolean {
  return source !== undefined && OWN_SOURCES.has(source);
}

/** The `source` header the gateway stamps on its commands, so its consumer can pass them over undecoded (ADR 0196). */
export function sourceHeader(source: string): Record<string, string> {
  return { [HEADER.source]: source };
}

/** The consumer's skip rule: the gateway's own commands, known from the header alone. */
export function skipOwnCommands(baseTopic: string, headers: Record<string, string>): boolean {
  return baseTopic === OUTBOUND_REQUESTED_V1.topic && isOwnSource(headers[HEADER.source]);
}

@Injectable()
export class MessageProjectionService {
  private readonly log = new Logger(MessageProjectionService.name);

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly messages: MessagesRepository,
  ) {}

  /**
   * Commands from internal producers (source kafka/campaign) get their row here, so their
   * lifecycle is visible like any other; API sends already have theirs (same transaction).
   */
  async applyOutboundRequest(c: OutboundRequestedV1): Promise<void> {
    if (isOwnSource(c.source)) return;
    await this.db.transaction(async (m) => {
      // Its events may have come first (another topic): parked, applied now (under the id's lock).
      await this.messages.lockMessageIds(m, [c.id]);
      await this.messages.insertFromCommand({
        id: c.id, tenantId: c.tenantId, phoneNumberId: c.phoneNumberId, to: c.to, recipientUserId: c.to ? undefined : c.recipient,
        type: c.type, idempotencyKey: c.idempotencyKey, requestHash: 'kafka', source: c.source, metadata: c.metadata,
        createdAt: new Date(c.requestedAt).toISOString(), sendAt: c.sendAt,
      }, m);
      const early = await this.messages.takeEarlyEvents(m, c.tenantId, c.id);
      if (early.length > 0) await this.applyEvents(m, early as OutboundEventV1[], false);
    });
  }

  /**
   * A batch of lifecycle events (one partition, offset order) in one transaction: the rows are
   * locked once, each event applied in order in memory, every changed row written once. One
   * transaction per event could not keep up with a few hundred sends a second (history lagged the
   * sends by ~10 s in the e2e bench). Events of a message whose row is not made yet (its command,
   * from an internal producer, is still on its way) are parked until it is.
   */
  async applyOutboundEvents(events: OutboundEventV1[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.transaction((m) => this.applyEvents(m, events, true));
  }

  private async applyEvents(m: EntityManager, events: OutboundEventV1[], park: boolean): Promise<void> {
    const ids = [...new Set(events.map((e) => e.id))];
    const rows = new Map((await this.messages.lockByIds(m, ids)).map((r) => [r.id, r]));
    const missing = ids.filter((id) => !rows.has(id));
    if (park && missing.length > 0) {
      // Under the ids' locks, look again: a command committed meanwhile made the row.
      await this.messages.lockMessageIds(m, missing);
      for (const r of await this.messages.lockByIds(m, missing)) rows.set(r.id, r);
    }
    const touched = new Map<string, { id: string; state: LifecycleState; wamid: string | null }>();
    const parked: OutboundEventV1[] = [];
    for (const e of events) {
      const row = rows.get(e.id);
      if (!row) {
        if (park) parked.push(e);
        continue;
      }
      if (row.tenant_id !== e.tenantId) {
        this.log.warn(`outbound event for message ${e.id} names another tenant; ignored`);
        continue;
      }
      const entry: HistoryEntry = { status: e.event, at: e.occurredAt };
      if (e.error) entry.error = { class: e.error.class, code: e.error.code, message: e.error.message };
      const next = applyLifecycleEvent({ status: row.status, history: row.history, error: row.error }, entry);
      const wamid = row.wamid ?? e.wamid ?? null;
      if (!next && wamid === row.wamid) continue;
      if (next) {
        row.status = next.status;
        row.history = next.history;
        row.error = next.error;
      }
      row.wamid = wamid;
      touched.set(row.id, { id: row.id, state: { status: row.status, history: row.history, error: row.error }, wamid });
    }
    await this.messages.saveStates(m, [...touched.values()]);
    await this.messages.parkEarlyEvents(m, parked);
  }
}
