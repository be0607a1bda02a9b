import {
  CONTACT_ERASED_V1, ContactErasedV1, INBOUND_MESSAGE_V1, InboundMessageV1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventKind,
  OutboundEventV1, OutboundRequestedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import type { OutgoingEvent } from '@wabridge/kafka';
import { fixtureBytes } from '@wabridge/testing';
import { ulid } from 'ulid';

type Obj = Record<string, unknown>;

/** Meta's first message object of a fixture webhook (libs/testing/fixtures/meta-webhooks), to be reshaped by a test. */
export function fixtureMessage(file: string): Obj {
  const body = JSON.parse(fixtureBytes(file).toString('utf8')) as { entry: { changes: { value: { messages: Obj[] } }[] }[] };
  return structuredClone(body.entry[0]!.changes[0]!.value.messages[0]!);
}

/**
 * Events of one chat between a tenant's number and one contact, as the platform's topics carry
 * them (ingress's normalized inbound messages, the gateway's send commands, the dispatcher's
 * lifecycle events, Meta's statuses).
 */
export class ChatScript {
  readonly events: OutgoingEvent[] = [];

  constructor(
    readonly tenantId: string,
    readonly phoneNumberId: string,
    readonly waId: string,
    readonly profileName = 'Ana',
  ) {}

  /** The user writes: Meta's message object `raw` (its `from`, `id`, `timestamp` set here). */
  inbound(wamid: string, at: Date, raw: Obj): InboundMessageV1 {
    // Meta's `timestamp` has whole seconds, and so has the normalizer's `occurredAt`
    const seconds = Math.floor(at.getTime() / 1000);
    const message: Obj = { ...raw, from: this.waId, id: wamid, timestamp: String(seconds) };
    const context = message.context as { id?: string } | undefined;
    const value: InboundMessageV1 = {
      wamid, type: message.type as InboundMessageV1['type'], phoneNumberId: this.phoneNumberId, wabaId: 'waba-1', appId: 'app-1', tenantId: this.tenantId,
      waId: this.waId, profileName: this.profileName, occurredAt: new Date(seconds * 1000).toISOString(), receivedAt: at.toISOString(), raw: message,
      ...(context?.id ? { contextWamid: context.id } : {}),
    };
    this.events.push({ topic: INBOUND_MESSAGE_V1.topic, key: `${this.phoneNumberId}:${this.waId}`, value });
    return value;
  }

  /** The business sends (`POST /v1/messages` → the gateway's command); answers our message id. */
  send(at: Date, message: Obj, id = ulid()): string {
    const value: OutboundRequestedV1 = {
      id, tenantId: this.tenantId, phoneNumberId: this.phoneNumberId, to: this.waId, type: message.type as OutboundRequestedV1['type'], message,
      source: 'api', requestedAt: at.toISOString(),
    };
    this.events.push({ topic: OUTBOUND_REQUESTED_V1.topic, key: this.phoneNumberId, value });
    return id;
  }

  lifecycle(id: string, event: OutboundEventKind, at: Date, extra: Partial<OutboundEventV1> = {}): void {
    const value: OutboundEventV1 = { id, tenantId: this.tenantId, phoneNumberId: this.phoneNumberId, recipient: this.waId, event, occurredAt: at.toISOString(), ...extra };
    this.events.push({ topic: OUTBOUND_EVENTS_V1.topic, key: `${this.phoneNumberId}:${this.waId}`, value });
  }

  status(id: string, wamid: string, status: StatusUpdatedV1['status'], at: Date): void {
    const value: StatusUpdatedV1 = {
      wamid, status, phoneNumberId: this.phoneNumberId, wabaId: 'waba-1', appId: 'app-1', tenantId: this.tenantId, recipientId: this.waId,
      bizOpaqueCallbackData: id, occurredAt: at.toISOString(), receivedAt: at.toISOString(), raw: { id: wamid, status },
    };
    this.events.push({ topic: STATUS_UPDATED_V1.topic, key: `${this.phoneNumberId}:${this.waId}`, value });
  }

  erased(contactId = 'c-1'): OutgoingEvent {
    const value: ContactErasedV1 = { tenantId: this.tenantId, contactId, phoneNumberId: this.phoneNumberId, waId: this.waId, erasedAt: new Date().toISOString() };
    return { topic: CONTACT_ERASED_V1.topic, key: `${this.tenantId}:${contactId}`, value };
  }
}
