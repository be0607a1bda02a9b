import { InboundMessageV1 } from '@wabridge/contracts';

/** A valid `wa.inbound.message.v1` event with this wamid: the payload the consumer tests send. */
export function inboundEvent(wamid: string): InboundMessageV1 {
  return Object.assign(new InboundMessageV1(), {
    wamid, type: 'text', phoneNumberId: '1', wabaId: 'w', appId: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z', receivedAt: '2026-01-01T00:00:00.000Z', raw: { id: wamid },
  });
}
