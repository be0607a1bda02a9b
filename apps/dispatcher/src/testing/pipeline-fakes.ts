import { MessageState, OutboundRequestedV1, OutboundRetryV1 } from '@wabridge/contracts';
import type { OutgoingEvent } from '@wabridge/kafka';
import { NumberState } from '../compliance/compliance';
import { MessageRow } from '../messages/message.repository';

/** Unit-test doubles for the pipeline's providers (no I/O). Integration tests use the real Kafka and Postgres. */

export const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

let seq = 0;
/** A ULID-shaped id (our ids are ULIDs; references to them are mapped to wamids). */
export function ourId(): string {
  return `01JE${String(++seq).padStart(22, '0')}`;
}

export function number(o: Partial<NumberState> = {}): NumberState {
  return {
    phoneNumberId: '1500001', tenantId: 'tenant-1', wabaId: 'waba-1', businessId: 'biz-1', status: 'active', mps: 80, tier: 'unlimited',
    graphBaseUrl: 'http://graph.test', graphApiVersion: 'v23.0', revision: 3, ...o,
  };
}

export function request(o: Partial<OutboundRequestedV1> = {}): OutboundRequestedV1 {
  return Object.assign(new OutboundRequestedV1(), {
    id: ourId(), tenantId: 'tenant-1', phoneNumberId: '1500001', to: '4915100000001', type: 'text', message: { text: { body: 'hello' } },
    source: 'api', requestedAt: new Date(T0).toISOString(), ...o,
  });
}

export function template(o: Partial<OutboundRequestedV1> = {}): OutboundRequestedV1 {
  return request({ type: 'template', message: { template: { name: 'spring_sale', language: { code: 'en_US' } } }, ...o });
}

export function row(req: OutboundRequestedV1, o: Partial<MessageRow> = {}): MessageRow {
  return {
    id: req.id, tenant_id: req.tenantId, phone_number_id: req.phoneNumberId, recipient: req.to ?? req.recipient ?? '', status: 'accepted',
    version: 0, attempts: 0, wamid: null, attempted_at: null, request: req, ...o,
  };
}

export function retryOf(req: OutboundRequestedV1, o: Partial<OutboundRetryV1> = {}): OutboundRetryV1 {
  return Object.assign(new OutboundRetryV1(), {
    request: req, version: 1, attempts: 0, notBefore: new Date(T0).toISOString(), reason: 'rate-number', scheduledAt: new Date(T0).toISOString(), ...o,
  });
}

/** Records what would have been produced. */
export class RecordingProducer {
  readonly sent: OutgoingEvent[] = [];

  send(e: OutgoingEvent): Promise<void> {
    this.sent.push(e);
    return Promise.resolve();
  }

  on(topic: string): OutgoingEvent[] {
    return this.sent.filter((e) => e.topic === topic);
  }

  /** The `event` of each record on wa.outbound.events.v1, in order. */
  events(): string[] {
    return this.on('wa.outbound.events.v1').map((e) => (e.value as { event: string }).event);
  }
}

/** The messages table's version guard, in memory: a write naming a version that moved on loses. */
export class InMemoryMessages {
  readonly rows = new Map<string, { status: MessageState; version: number; attempts: number; wamid: string | null; notBefore?: Date; error?: unknown }>();

  /** The claim: new ids get a row (`created`), known ones come back as they are. */
  async claim(requests: OutboundRequestedV1[]): Promise<Map<string, MessageRow>> {
    const out = new Map<string, MessageRow>();
    for (const req of requests) {
      const created = !this.rows.has(req.id);
      if (created) this.put(row(req));
      const r = this.rows.get(req.id)!;
      out.set(req.id, { ...row(req, { status: r.status, version: r.version, attempts: r.attempts, wamid: r.wamid }), created });
    }
    return out;
  }

  async wamidOf(): Promise<undefined> {
    return undefined;
  }

  put(r: MessageRow): void {
    this.rows.set(r.id, { status: r.status, version: r.version, attempts: r.attempts, wamid: r.wamid });
  }

  async transition(id: string, version: number, status: MessageState, extra: { notBefore?: Date; error?: unknown } = {}): Promise<number | null> {
    const r = this.rows.get(id);
    if (!r || r.version !== version) return null;
    Object.assign(r, { status, version: version + 1 }, extra.notBefore ? { notBefore: extra.notBefore } : {}, extra.error ? { error: extra.error } : {});
    return r.version;
  }

  async markAttempting(id: string, version: number, at?: Date): Promise<{ version: number; attempts: number } | null> {
    const r = this.rows.get(id);
    if (!r || r.version !== version) return null;
    Object.assign(r, { status: 'attempting', version: version + 1, attempts: r.attempts + 1, attempted_at: at ?? null });
    return { version: r.version, attempts: r.attempts };
  }

  async markSent(id: string, wamid: string): Promise<boolean> {
    const r = this.rows.get(id);
    if (!r) return false;
    Object.assign(r, { wamid: r.wamid ?? wamid, version: r.version + 1, status: r.status === 'attempting' ? 'sent' : r.status });
    return true;
  }

  async applyStatus(id: string, from: MessageState, to: MessageState, wamid?: string): Promise<boolean> {
    const r = this.rows.get(id);
    if (!r || r.status !== from) return false;
    Object.assign(r, { status: to, version: r.version + 1, wamid: r.wamid ?? wamid ?? null });
    return true;
  }

  async held(): Promise<MessageRow[]> {
    return [];
  }
}
