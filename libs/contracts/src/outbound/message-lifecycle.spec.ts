import { MessageState, MetaStatus, nextPublicStatus, nextState, PublicStatus } from './message-lifecycle';

function apply(start: MessageState, statuses: MetaStatus[]): { final: MessageState; transitions: MessageState[] } {
  let s = start;
  const transitions: MessageState[] = [];
  for (const st of statuses) {
    const n = nextState(s, st);
    if (n) {
      s = n;
      transitions.push(n);
    }
  }
  return { final: s, transitions };
}

describe('status machine', () => {
  it('walks accepted → sent → delivered → read', () => {
    expect(apply('accepted', ['sent', 'delivered', 'read'])).toEqual({ final: 'read', transitions: ['sent', 'delivered', 'read'] });
  });

  it('never moves backwards when statuses arrive out of order', () => {
    expect(apply('sent', ['read', 'delivered', 'sent'])).toEqual({ final: 'read', transitions: ['read'] });
  });

  it('ignores duplicates', () => {
    expect(apply('sent', ['delivered', 'delivered', 'delivered']).transitions).toEqual(['delivered']);
  });

  it('reaches failed from any non-final state and stays there', () => {
    for (const s of ['accepted', 'attempting', 'sent', 'delivered'] as MessageState[]) expect(nextState(s, 'failed')).toBe('failed');
    expect(apply('failed', ['sent', 'delivered', 'failed']).transitions).toEqual([]);
  });

  it('treats played as after read (voice messages)', () => {
    expect(apply('delivered', ['played', 'read']).final).toBe('played');
  });

  it('settles an attempting message when Meta reports it sent (reconciliation)', () => {
    expect(nextState('attempting', 'sent')).toBe('sent');
  });
});

describe('public status (what every consumer of wa.outbound.events.v1 shows)', () => {
  function follow(events: PublicStatus[]): PublicStatus {
    let s: PublicStatus = 'accepted';
    for (const e of events) s = nextPublicStatus(s, e) ?? s;
    return s;
  }

  it('agrees with the dispatcher: a failure is final, even when a delivery report comes later', () => {
    expect(follow(['sent', 'failed', 'delivered', 'read'])).toBe('failed');
    expect(nextState('failed', 'delivered')).toBeNull();
  });

  it('agrees with the dispatcher: a failure after delivery still ends the message', () => {
    expect(follow(['sent', 'delivered', 'failed'])).toBe('failed');
    expect(nextState('delivered', 'failed')).toBe('failed');
  });

  it('moves forward only, ignoring late and repeated events', () => {
    expect(follow(['sent', 'read', 'delivered', 'sent'])).toBe('read');
    expect(nextPublicStatus('read', 'read')).toBeNull();
  });

  it('shows a retry before delivery, then the re-send (Meta dropped it after sent)', () => {
    expect(follow(['retry-scheduled'])).toBe('retry-scheduled');
    expect(follow(['sent', 'retry-scheduled', 'sent', 'delivered'])).toBe('delivered');
    expect(nextPublicStatus('delivered', 'retry-scheduled')).toBeNull();
  });

  it('keeps rejected and dead-lettered final', () => {
    expect(follow(['rejected', 'sent'])).toBe('rejected');
    expect(follow(['retry-scheduled', 'dead-lettered', 'sent'])).toBe('dead-lettered');
  });

  it('moves a scheduled send on with the dispatcher\'s first event, and keeps a cancelled one final (ADR 0150)', () => {
    const from = (start: PublicStatus, events: PublicStatus[]): PublicStatus => events.reduce((s, e) => nextPublicStatus(s, e) ?? s, start);
    expect(from('scheduled', ['accepted', 'sent'])).toBe('sent');
    expect(from('scheduled', ['sent', 'accepted'])).toBe('sent');
    expect(from('scheduled', ['cancelled', 'accepted', 'sent'])).toBe('cancelled');
    expect(nextPublicStatus('accepted', 'scheduled')).toBeNull();
  });
});
