import {
  INBOUND_MESSAGE_V1, InboundMessageV1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventKind, OutboundEventV1,
  OutboundRequestedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import type { OutgoingEvent } from '@wabridge/kafka';

/**
 * A scripted day of one number (the expected numbers below are what analytics must report):
 * 100 accepted; 95 sent, 5 failed (3 × 131008, 2 × 132001); 3 more rejected by compliance;
 * 90 delivered, 60 read; 12 inbound (7 text, 3 image, 2 reaction). Delays: accepted→sent 200 ms
 * (50 messages) or 1000 ms (45); sent→delivered 2000 ms (80) or 10000 ms (10); delivered→read
 * 30000 ms. Pricing on each `sent` status: 50 PMP marketing regular (20 to +49, 30 to +1),
 * 20 PMP utility free_customer_service, 10 CBP marketing in ONE conversation, 15 CBP
 * `authentication-international` in their own conversations, 10 of them delivered (only
 * delivered messages are charged). Templates: messages 0-49 are
 * `promo_spring`/en, 98-99 `otp_code`/en_US.
 */
export const EXPECTED = {
  accepted: 100, sent: 95, delivered: 90, read: 60, failed: 5, rejected: 3, inbound: 12,
  // marketing: 20 × 0.10 (market 49) + 30 × 0.05 + 1 CBP conversation × 0.05; authentication_international:
  // 10 × 0.20 (15 priced on `sent`, 5 of them never delivered: Meta charges on delivery)
  cost: { total: 5.55, byCategory: { authentication_international: 2, marketing: 3.55, utility: 0 } },
  latencyMs: {
    acceptedToSent: { p50: 200, p95: 1000, p99: 1000 },
    sentToDelivered: { p50: 2000, p95: 10000, p99: 10000 },
    deliveredToRead: { p50: 30000, p95: 30000, p99: 30000 },
  },
};

export const RATE_CARD = {
  currency: 'EUR',
  prices: { marketing: 0.05, utility: 0.02, authentication_international: 0.2, service: 0 },
  markets: { 49: { marketing: 0.1 } },
};

export interface ScriptedRun {
  events: OutgoingEvent[];
  /** Start of the hour everything happens in. */
  hour: Date;
}

export function scriptedRun(tenantId: string, phoneNumberId: string, hour: Date, prefix: string): ScriptedRun {
  const out: OutgoingEvent[] = [];
  const base = hour.getTime() + 60_000;
  const iso = (t: number) => new Date(t).toISOString();
  const recipientOf = (i: number) => (i < 20 ? `4915${String(1000000 + i).padStart(8, '0')}` : `1415555${String(1000 + i).padStart(4, '0')}`);
  const outbound = (i: number, event: OutboundEventKind, at: number, extra: Partial<OutboundEventV1> = {}): void => {
    const value: OutboundEventV1 = { id: `${prefix}-m${i}`, tenantId, phoneNumberId, recipient: recipientOf(i), event, occurredAt: iso(at), ...extra };
    out.push({ topic: OUTBOUND_EVENTS_V1.topic, key: `${phoneNumberId}:${value.recipient}`, value });
  };
  const status = (i: number, s: StatusUpdatedV1['status'], at: number, extra: Partial<StatusUpdatedV1> = {}): void => {
    const value: StatusUpdatedV1 = {
      wamid: `wamid.${prefix}.${i}`, status: s, phoneNumberId, wabaId: 'waba-1', appId: 'app-1', tenantId, recipientId: recipientOf(i),
      bizOpaqueCallbackData: `${prefix}-m${i}`, occurredAt: iso(at), receivedAt: iso(at + 100), raw: {}, ...extra,
    };
    out.push({ topic: STATUS_UPDATED_V1.topic, key: `${phoneNumberId}:${value.recipientId}`, value });
  };
  for (let i = 0; i < 100; i++) {
    const template = i < 50 ? { name: 'promo_spring', language: { code: 'en' } } : i >= 98 ? { name: 'otp_code', language: { code: 'en_US' } } : undefined;
    const request: OutboundRequestedV1 = {
      id: `${prefix}-m${i}`, tenantId, phoneNumberId, to: recipientOf(i), type: template ? 'template' : 'text',
      message: template ? { type: 'template', template } : { type: 'text', text: { body: 'hi' } }, source: 'api', requestedAt: iso(base + i * 10_000 - 50),
    };
    out.push({ topic: OUTBOUND_REQUESTED_V1.topic, key: phoneNumberId, value: request });
    const accepted = base + i * 10_000;
    outbound(i, 'accepted', accepted);
    if (i >= 95) {
      const code = i < 98 ? 131008 : 132001;
      const message = code === 131008 ? 'Required parameter is missing' : 'Template name does not exist in the translation';
      outbound(i, 'failed', accepted + 300, { error: { class: code === 131008 ? 'permanent' : 'template', code, message } });
      continue;
    }
    const sent = accepted + (i < 50 ? 200 : 1000);
    outbound(i, 'sent', sent, { wamid: `wamid.${prefix}.${i}` });
    status(i, 'sent', sent + 50, { pricing: pricingOf(i), ...(i >= 70 ? { conversation: conversationOf(i, prefix) } : {}) });
    if (i >= 90) continue;
    const delivered = sent + (i < 80 ? 2000 : 10_000);
    status(i, 'delivered', delivered);
    if (i < 60) status(i, 'read', delivered + 30_000);
  }
  for (let r = 0; r < 3; r++) {
    const value: OutboundEventV1 = {
      id: `${prefix}-r${r}`, tenantId, phoneNumberId, recipient: '14155550999', event: 'rejected', occurredAt: iso(base + r * 1000),
      error: { class: 'compliance', message: 'recipient opted out' },
    };
    out.push({ topic: OUTBOUND_EVENTS_V1.topic, key: `${phoneNumberId}:14155550999`, value });
  }
  const types: InboundMessageV1['type'][] = [...Array<'text'>(7).fill('text'), 'image', 'image', 'image', 'reaction', 'reaction'];
  types.forEach((type, n) => {
    const value: InboundMessageV1 = {
      wamid: `wamid.${prefix}.in${n}`, type, phoneNumberId, wabaId: 'waba-1', appId: 'app-1', tenantId, waId: '4915100000001',
      occurredAt: iso(base + n * 5000), receivedAt: iso(base + n * 5000 + 100), raw: {},
    };
    out.push({ topic: INBOUND_MESSAGE_V1.topic, key: `${phoneNumberId}:4915100000001`, value });
  });
  return { events: out, hour };
}

function pricingOf(i: number): Record<string, unknown> {
  if (i < 50) return { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' };
  if (i < 70) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' };
  if (i < 80) return { billable: true, pricing_model: 'CBP', category: 'marketing' };
  return { billable: true, pricing_model: 'CBP', category: 'authentication-international' };
}

function conversationOf(i: number, prefix: string): Record<string, unknown> {
  const id = i < 80 ? `${prefix}-conv-marketing` : `${prefix}-conv-${i}`;
  return { id, origin: { type: i < 80 ? 'marketing' : 'authentication_international' } };
}
