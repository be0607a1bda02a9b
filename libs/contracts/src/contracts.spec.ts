import { contractFor, INBOUND_MESSAGE_V1, InboundMessageV1, registeredTopics, STATUS_UPDATED_V1, validateContract, dlqTopicFor } from './index';

const inbound = {
  wamid: 'wamid.A', type: 'text', phoneNumberId: '1', wabaId: 'w', appId: 'a',
  occurredAt: '2026-01-01T00:00:00.000Z', receivedAt: '2026-01-01T00:00:01.000Z', raw: { id: 'wamid.A' },
};

describe('contracts', () => {
  it('registers every topic with its class', () => {
    const topics = registeredTopics().map((t) => t.topic);
    expect(topics).toEqual(expect.arrayContaining(['wa.webhook.received.v1', 'wa.inbound.message.v1', 'wa.status.updated.v1', 'wa.account.event.v1']));
    expect(contractFor(INBOUND_MESSAGE_V1.topic)?.cls).toBe(InboundMessageV1);
  });

  it('accepts a valid inbound message', () => {
    const r = validateContract(InboundMessageV1, inbound);
    expect(r.ok).toBe(true);
  });

  it('rejects an inbound message with an unknown type and names the field', () => {
    const r = validateContract(InboundMessageV1, { ...inbound, type: 'hologram' });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('type') });
  });

  it('rejects a status with a bad nested error and names the path', () => {
    const r = validateContract(contractFor(STATUS_UPDATED_V1.topic)!.cls, {
      wamid: 'w', status: 'failed', phoneNumberId: '1', wabaId: 'w', appId: 'a',
      occurredAt: '2026-01-01T00:00:00Z', receivedAt: '2026-01-01T00:00:00Z', raw: {},
      errors: [{ code: 'x' }],
    });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('errors.0.code') });
  });

  it('rejects non-objects without throwing', () => {
    expect(validateContract(InboundMessageV1, 'text')).toEqual({ ok: false, reason: 'payload is not a JSON object' });
    expect(validateContract(InboundMessageV1, null).ok).toBe(false);
  });

  it('names DLQ topics after the consumer', () => {
    expect(dlqTopicFor('ingress-normalizer')).toBe('ingress-normalizer.dlq.v1');
  });
});
