import { Injectable } from '@nestjs/common';
import { CONTACT_CHANGED_V1, CONTACT_ERASED_V1, ContactChangedV1, ContactErasedV1, TopicSpec } from '@wabridge/contracts';
import { contractEvent, EventProducer, OutgoingEvent } from '@wabridge/kafka';
import { Contact, contactKey } from './contact.model';

/**
 * Publishes what sending needs. The compacted key is `<tenant>:<number>:<waId ?? userId>`; a
 * contact known by both ids is also published under its BSUID key, so a send addressed by
 * BSUID (`recipient`) finds the same opt-out and window (see ADR 0021).
 */
@Injectable()
export class ContactEventsPublisher {
  constructor(private readonly producer: EventProducer) {}

  changedEvents(c: Contact, now: Date): OutgoingEvent[] {
    const value: ContactChangedV1 = {
      tenantId: c.tenantId,
      phoneNumberId: c.phoneNumberId,
      ...(c.waId ? { waId: c.waId } : {}),
      ...(c.userId ? { userId: c.userId } : {}),
      ...(c.windowOpenUntil ? { windowOpenUntil: c.windowOpenUntil.toISOString() } : {}),
      optedOut: c.optedOut,
      optInState: c.optInState,
      reachable: c.reachable,
      updatedAt: now.toISOString(),
    };
    const keys = [contactKey(c)];
    if (c.waId && c.userId) keys.push(contactKey({ ...c, waId: null }));
    return keys.map((key) => this.event(CONTACT_CHANGED_V1, key, value, c.tenantId));
  }

  /**
   * Tells the dispatcher to forget a key (erasure, a number the user left, a merged-away
   * BSUID-only key). `optedOut` only for the erasure of a contact that had opted out: the
   * dispatcher then keeps the key suppressed by hash (ADR 0075).
   */
  forgetEvent(k: { tenantId: string; phoneNumberId: string; waId?: string | null; userId?: string | null }, now: Date, optedOut = false): OutgoingEvent {
    const value: ContactChangedV1 = {
      tenantId: k.tenantId,
      phoneNumberId: k.phoneNumberId,
      ...(k.waId ? { waId: k.waId } : {}),
      ...(!k.waId && k.userId ? { userId: k.userId } : {}),
      optedOut,
      reachable: true,
      erased: true,
      updatedAt: now.toISOString(),
    };
    return this.event(CONTACT_CHANGED_V1, contactKey(k), value, k.tenantId);
  }

  erasedEvents(c: Contact, now: Date): OutgoingEvent[] {
    const erased: ContactErasedV1 = {
      tenantId: c.tenantId,
      contactId: c.id,
      phoneNumberId: c.phoneNumberId,
      ...(c.waId ? { waId: c.waId } : {}),
      ...(c.userId ? { userId: c.userId } : {}),
      erasedAt: now.toISOString(),
      optedOut: c.optedOut,
    };
    const forget = [this.forgetEvent({ ...c, userId: c.waId ? null : c.userId }, now, c.optedOut)];
    if (c.waId && c.userId) forget.push(this.forgetEvent({ ...c, waId: null }, now, c.optedOut));
    return [...forget, this.event(CONTACT_ERASED_V1, `${c.tenantId}:${c.id}`, erased, c.tenantId)];
  }

  async send(events: OutgoingEvent[]): Promise<void> {
    if (events.length > 0) await this.producer.sendMany(events);
  }

  private event(spec: TopicSpec, key: string, value: object, tenantId: string): OutgoingEvent {
    return contractEvent(spec, key, value, { tenantId });
  }
}
