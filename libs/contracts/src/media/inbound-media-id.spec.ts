import { ulid } from 'ulid';
import { inboundMediaId, inboundMediaIdOf, metaMediaIdOf } from './inbound-media-id';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('inboundMediaId', () => {
  const base = { tenantId: 't-1', metaMediaId: '1234567890', occurredAt: '2026-03-01T10:00:00.000Z' };

  it('is the same id for the same tenant and Meta media id (a redelivery, the notifier and the media service agree)', () => {
    expect(inboundMediaId(base)).toBe(inboundMediaId({ ...base }));
    expect(inboundMediaId(base)).toBe(inboundMediaId({ ...base, occurredAt: new Date(base.occurredAt) }));
  });

  it('differs between tenants and between media ids', () => {
    const ids = new Set([
      inboundMediaId(base), inboundMediaId({ ...base, tenantId: 't-2' }), inboundMediaId({ ...base, metaMediaId: '1234567891' }),
    ]);
    expect(ids.size).toBe(3);
  });

  it('has the form of the service\'s ULIDs, with the message time as its time part (lists stay time-ordered)', () => {
    const id = inboundMediaId(base);
    expect(id).toMatch(ULID);
    const sameMsUlid = ulid(Date.parse(base.occurredAt));
    expect(id.slice(0, 10)).toBe(sameMsUlid.slice(0, 10));
    const later = inboundMediaId({ ...base, metaMediaId: 'x', occurredAt: '2026-03-01T10:00:01.000Z' });
    expect(later > id).toBe(true);
  });

  it('still yields a well-formed id for an unparsable time', () => {
    expect(inboundMediaId({ ...base, occurredAt: 'not a date' })).toMatch(/^0000000000[0-9A-HJKMNP-TV-Z]{16}$/);
  });
});

describe('inboundMediaIdOf / metaMediaIdOf', () => {
  const image = { type: 'image', occurredAt: '2026-03-01T10:00:00.000Z', raw: { type: 'image', image: { id: '777', mime_type: 'image/png' } } };

  it('reads Meta\'s media id from the content object of a media message', () => {
    expect(metaMediaIdOf(image)).toBe('777');
    expect(inboundMediaIdOf(image, 't-1')).toBe(inboundMediaId({ tenantId: 't-1', metaMediaId: '777', occurredAt: image.occurredAt }));
  });

  it('answers undefined for a text message or a media object without an id', () => {
    expect(metaMediaIdOf({ type: 'text', raw: { text: { body: 'hi' } } })).toBeUndefined();
    expect(metaMediaIdOf({ type: 'image', raw: { image: { mime_type: 'image/png' } } })).toBeUndefined();
    expect(inboundMediaIdOf({ type: 'sticker', occurredAt: image.occurredAt, raw: {} }, 't-1')).toBeUndefined();
  });
});
