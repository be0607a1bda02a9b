import { inboundMediaId, InboundMessageV1 } from '@wabridge/contracts';
import { fromInbound } from './public-event.mapper';

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
