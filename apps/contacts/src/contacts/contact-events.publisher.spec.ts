import { CONTACT_CHANGED_V1, CONTACT_ERASED_V1, ContactChangedV1, validateContract, ContactErasedV1 } from '@wabridge/contracts';
import { EventProducer } from '@wabridge/kafka';
import { ulid } from 'ulid';
import { blankContact } from '../inbound/inbound.logic';
import { ContactEventsPublisher } from './contact-events.publisher';
import { decodeCursor, encodeCursor } from './contacts.service';

const publisher = new ContactEventsPublisher({} as EventProducer);
const now = new Date('2026-03-01T12:00:00.000Z');
const contact = (over: object) => ({ ...blankContact('01JCONTACT0000000000000000', 't1', '100', now), ...over });

describe('wa.contact.changed.v1 records', () => {
  it('are keyed by wa_id and, for a contact also known by BSUID, by the BSUID too', () => {
    const events = publisher.changedEvents(contact({ waId: '4915112345678', userId: 'US.1', optedOut: true, optInState: 'opted_out', windowOpenUntil: new Date('2026-03-02T10:00:00.000Z') }), now);
    expect(events.map((e) => [e.topic, e.key])).toEqual([
      [CONTACT_CHANGED_V1.topic, 't1:100:4915112345678'],
      [CONTACT_CHANGED_V1.topic, 't1:100:US.1'],
    ]);
    expect(events[0]!.value).toEqual({
      tenantId: 't1', phoneNumberId: '100', waId: '4915112345678', userId: 'US.1', windowOpenUntil: '2026-03-02T10:00:00.000Z',
      optedOut: true, optInState: 'opted_out', reachable: true, updatedAt: now.toISOString(),
    });
    expect(events[0]!.headers).toEqual({ 'tenant-id': 't1' });
    expect(validateContract(ContactChangedV1, events[0]!.value).ok).toBe(true);
  });

  it('are keyed by the BSUID for a username user without a phone', () => {
    expect(publisher.changedEvents(contact({ userId: 'US.2' }), now).map((e) => e.key)).toEqual(['t1:100:US.2']);
  });

  it('tell the dispatcher to forget every key of an erased contact, then announce the erasure', () => {
    const events = publisher.erasedEvents(contact({ waId: '4915112345678', userId: 'US.1' }), now);
    expect(events.map((e) => [e.topic, e.key, (e.value as { erased?: boolean }).erased])).toEqual([
      [CONTACT_CHANGED_V1.topic, 't1:100:4915112345678', true],
      [CONTACT_CHANGED_V1.topic, 't1:100:US.1', true],
      [CONTACT_ERASED_V1.topic, 't1:01JCONTACT0000000000000000', undefined],
    ]);
    expect(validateContract(ContactErasedV1, events[2]!.value).ok).toBe(true);
    expect((events[2]!.value as ContactErasedV1).optedOut).toBe(false);
  });

  it('say whether an erased contact had opted out (the dispatcher keeps it suppressed, ADR 0075)', () => {
    const events = publisher.erasedEvents(contact({ waId: '4915112345678', optedOut: true, optInState: 'opted_out' }), now);
    const erased = events.find((e) => e.topic === CONTACT_ERASED_V1.topic)!.value as ContactErasedV1;
    expect(erased).toMatchObject({ tenantId: 't1', phoneNumberId: '100', waId: '4915112345678', optedOut: true });
    // the forget record says so too: the dispatcher suppresses even before wa.contact.erased.v1 arrives
    expect(events.find((e) => e.topic === CONTACT_CHANGED_V1.topic)!.value).toMatchObject({ erased: true, optedOut: true });
    expect(validateContract(ContactErasedV1, erased).ok).toBe(true);
  });
});

describe('list cursors', () => {
  it('round-trip a contact id and refuse anything else', () => {
    const id = ulid();
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(() => decodeCursor('bm9wZQ')).toThrow(/cursor/);
  });
});
