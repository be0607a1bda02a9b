import { MessageState, MetaStatus, nextState } from './status-machine';

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
