import { ManualClock } from '../common/clock';
import { Contact, isWindowOpen, mergeContacts, windowEnd } from '../contacts/contact.model';
import { applyInbound, applyReachability, blankContact, changedNumberTo, InboundFacts } from './inbound.logic';

const clock = new ManualClock(new Date('2026-03-01T12:00:00.000Z'));
const base = (): Contact => blankContact('01JCONTACT0000000000000000', 't1', '100', clock.now());
const facts = (over: Partial<InboundFacts>): InboundFacts => ({
  wamid: 'wamid.1', type: 'text', waId: '491511234567', occurredAt: new Date('2026-03-01T10:00:00.000Z'), keyword: undefined, ...over,
});

describe('24 h customer-service window', () => {
  it('ends 24 h after the last inbound message and is closed from that instant on', () => {
    const { contact } = applyInbound(base(), facts({}), clock.now());
    expect(contact.windowOpenUntil?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(isWindowOpen(contact, new Date('2026-03-02T09:59:59.999Z'))).toBe(true);
    expect(isWindowOpen(contact, new Date('2026-03-02T10:00:00.000Z'))).toBe(false);
  });

  it('moves forward with a newer message and never back with an older one delivered late', () => {
    let c = applyInbound(base(), facts({ occurredAt: new Date('2026-03-01T10:00:00.000Z') }), clock.now()).contact;
    c = applyInbound(c, facts({ wamid: 'w2', occurredAt: new Date('2026-03-01T11:00:00.000Z'), profileName: 'New' }), clock.now()).contact;
    c = applyInbound(c, facts({ wamid: 'w3', occurredAt: new Date('2026-03-01T09:00:00.000Z'), profileName: 'Old' }), clock.now()).contact;
    expect(c.windowOpenUntil?.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(c.firstInboundAt?.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(c.profileName).toBe('New');
  });

  it('is not opened by a system notice', () => {
    const { contact } = applyInbound(base(), facts({ type: 'system' }), clock.now());
    expect(contact.windowOpenUntil).toBeNull();
    expect(windowEnd(null)).toBeNull();
  });
});

describe('opt-out by keyword', () => {
  it('opts out with source keyword and the message time', () => {
    const { contact, optChange } = applyInbound(base(), facts({ keyword: 'opt_out' }), clock.now());
    expect(contact).toMatchObject({ optedOut: true, optInState: 'opted_out', optSource: 'keyword' });
    expect(optChange).toEqual({ state: 'opted_out', source: 'keyword', at: new Date('2026-03-01T10:00:00.000Z') });
  });

  it('does not override an API opt-in made after the keyword message was written', () => {
    const optedIn = { ...base(), optInState: 'opted_in' as const, optSource: 'api', optChangedAt: new Date('2026-03-01T11:00:00.000Z') };
    const { contact, optChange } = applyInbound(optedIn, facts({ keyword: 'opt_out' }), clock.now());
    expect(contact.optedOut).toBe(false);
    expect(optChange).toBeUndefined();
  });
});

describe('reachability', () => {
  it('is lost on 131026 and regained when the user writes again', () => {
    const unreachable = applyReachability(base(), false, new Date('2026-03-01T09:00:00.000Z'), clock.now());
    expect(unreachable.reachable).toBe(false);
    expect(applyInbound(unreachable, facts({}), clock.now()).contact.reachable).toBe(true);
  });

  it('ignores a failure older than the latest proof of reachability', () => {
    const c = applyInbound(base(), facts({}), clock.now()).contact;
    expect(applyReachability(c, false, new Date('2026-03-01T08:00:00.000Z'), clock.now()).reachable).toBe(true);
  });
});

describe('identity', () => {
  it('fills a BSUID-only contact with the wa_id a later message reveals', () => {
    const bsuid = { ...base(), userId: 'US.1' };
    const { contact } = applyInbound(bsuid, facts({ userId: 'US.1', waId: '491511234567' }), clock.now());
    expect(contact).toMatchObject({ waId: '491511234567', userId: 'US.1', phoneE164: '+491511234567' });
  });

  it('merges two contacts into one, keeping the opt-out, the latest window and all tags and attributes', () => {
    const phone: Contact = {
      ...base(), waId: '491511234567', attributes: { city: 'Berlin', plan: 'basic' }, tags: ['a'],
      lastInboundAt: new Date('2026-03-01T08:00:00.000Z'), windowOpenUntil: new Date('2026-03-02T08:00:00.000Z'), profileName: 'P',
    };
    const bsuid: Contact = {
      ...base(), id: '01JOTHER000000000000000000', userId: 'US.1', username: '@u', attributes: { plan: 'gold', vip: true }, tags: ['b', 'a'],
      lastInboundAt: new Date('2026-03-01T09:00:00.000Z'), optedOut: true, optInState: 'opted_out', optSource: 'keyword',
      optChangedAt: new Date('2026-03-01T09:00:00.000Z'), profileName: 'B',
    };
    const m = mergeContacts(phone, bsuid);
    expect(m).toMatchObject({
      id: phone.id, waId: '491511234567', userId: 'US.1', username: '@u', optedOut: true, optInState: 'opted_out', optSource: 'keyword',
      attributes: { city: 'Berlin', plan: 'basic', vip: true }, tags: ['a', 'b'], profileName: 'B',
    });
    expect(m.windowOpenUntil?.toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });

  it('reads the new wa_id of a user_changed_number system message', () => {
    expect(changedNumberTo('system', { system: { type: 'user_changed_number', wa_id: '972912345678', body: '…' } })).toBe('972912345678');
    expect(changedNumberTo('system', { system: { type: 'customer_identity_changed', identity: 'x' } })).toBeUndefined();
    expect(changedNumberTo('text', { system: { type: 'user_changed_number', wa_id: '1' } })).toBeUndefined();
  });
});
