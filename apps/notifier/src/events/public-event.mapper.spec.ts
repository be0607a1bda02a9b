import { inboundMediaId, InboundMessageV1, MessageFailedEventV1, OutboundEventV1, validateContract } from '@wabridge/contracts';
import { fromInbound, fromOutbound } from './public-event.mapper';

const base: InboundMessageV1 = {
  wamid: 'wamid.HBgL1', type: 'text', phoneNumberId: 'pn-1', wabaId: 'waba-1', appId: 'app-1', tenantId: 't-1', waId: '15550001111',
  occurredAt: '2026-03-01T10:00:00.000Z', receivedAt: '2026-03-01T10:00:01.000Z', raw: {},
};

describe('fromInbound → message.received', () => {
  it('adds our media id (the one GET /v1/media/:id answers) inside a media object, Meta\'s fields untouched', () => {
    const image = { id: '1234567890', mime_type: 'image/jpeg', sha256: 'abc', caption: 'look' };
    const e: InboundMessageV1 = { ...base, type: 'image', raw: { from: '15550001111', id: base.wamid, timestamp: '1772359200', type: 'image', image } };
    const data = fromInbound(e, 't-1').body.data as { message: Record<string, unknown> };
    expect(data.message).toEqual({
      type: 'image',
      image: { ...image, mediaId: inboundMediaId({ tenantId: 't-1', metaMediaId: '1234567890', occurredAt: e.occurredAt }) },
    });
    expect(e.raw['image']).toEqual(image); // the source event is not modified
  });

  it('gives each tenant its own media id and leaves non-media messages as Meta sent them', () => {
    const e: InboundMessageV1 = { ...base, type: 'document', raw: { type: 'document', document: { id: '42', filename: 'a.pdf' } } };
    const idOf = (tenant: string) => ((fromInbound(e, tenant).body.data as { message: { document: { mediaId: string } } }).message.document.mediaId);
    expect(idOf('t-1')).not.toBe(idOf('t-2'));
    const text: InboundMessageV1 = { ...base, raw: { type: 'text', text: { body: 'hi' } } };
    expect((fromInbound(text, 't-1').body.data as { message: unknown }).message).toEqual({ type: 'text', text: { body: 'hi' } });
  });
});

describe('fromOutbound → our lifecycle events', () => {
  const ev = (o: Partial<OutboundEventV1>): OutboundEventV1 => ({
    id: '01J00000000000000000000000', tenantId: 't-1', phoneNumberId: 'pn-1', recipient: '15550001111', event: 'accepted',
    occurredAt: '2026-03-01T10:00:00.000Z', ...o,
  });

  it('tells a failure Meta never reported (no wamid: Graph refused the call) as message.failed with Meta\'s error', () => {
    const m = fromOutbound(ev({ event: 'failed', attempt: 1, error: { class: 'template', code: 132001, message: '(#132001) Template name does not exist in the translation' } }))!;
    expect(m.body).toEqual({
      type: 'message.failed', timestamp: '2026-03-01T10:00:00.000Z',
      data: { tenantId: 't-1', phoneNumberId: 'pn-1', messageId: '01J00000000000000000000000', recipient: '15550001111', attempt: 1,
        error: { class: 'template', code: 132001, message: '(#132001) Template name does not exist in the translation' } },
    });
    expect(validateContract(MessageFailedEventV1, m.body).ok).toBe(true);
    // once per message, whatever the copy
    expect(fromOutbound(ev({ event: 'failed', attempt: 1, error: { class: 'template', message: 'x' } }))!.id).toBe(m.id);
  });

  it('leaves sent/delivered/read and a failure with a wamid to message.status (Meta\'s own status webhook)', () => {
    for (const event of ['sent', 'delivered', 'read'] as const) expect(fromOutbound(ev({ event, wamid: 'wamid.A' }))).toBeNull();
    expect(fromOutbound(ev({ event: 'failed', wamid: 'wamid.A', error: { class: 'permanent', code: 131026, message: 'undeliverable' } }))).toBeNull();
    expect(fromOutbound(ev({ event: 'accepted' }))!.body.type).toBe('message.accepted');
  });
});
