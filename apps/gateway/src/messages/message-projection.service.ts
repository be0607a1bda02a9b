import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
    await this.messages.insertFromCommand({
      id: c.id, tenantId: c.tenantId, phoneNumberId: c.phoneNumberId, to: c.to, recipientUserId: c.to ? undefined : c.recipient,
      type: c.type, idempotencyKey: c.idempotencyKey, requestHash: 'kafka', source: c.source, metadata: c.metadata,
      createdAt: new Date(c.requestedAt).toISOString(), sendAt: c.sendAt,
    });
  }

  /**
   * A batch of lifecycle events (one partition, offset order) in one transaction: the rows are
   * locked once, each event applied in order in memory, every changed row written once. One
   * transaction per event could not keep up with a few hundred sends a second (history lagged the
   * sends by ~10 s in the e2e bench).
   */
  async applyOutboundEvents(events: OutboundEventV1[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.transaction(async (m) => {
      const rows = new Map((await this.messages.lockByIds(m, [...new Set(events.map((e) => e.id))])).map((r) => [r.id, r]));
      const touched = new Map<string, { id: string; state: LifecycleState; wamid: string | null }>();
      for (const e of events) {
        const row = rows.get(e.id);
        if (!row || row.tenant_id !== e.tenantId) {
          // Sent by an internal producer straight to Kafka, or not ours: nothing to project.
          this.log.debug?.(`outbound event for unknown message ${e.id}`);
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
    });
  }
}
