import { automationIdempotencyKey, automationMessageId } from './automation-ids';

describe('automation ids', () => {
  it('derives the same ULID-shaped message id from the same message and rule, another for another rule', () => {
    const at = Date.UTC(2026, 0, 5, 12, 0);
    const a = automationMessageId('t1', 'wamid.A', '01JRULE0000000000000000001', at);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(automationMessageId('t1', 'wamid.A', '01JRULE0000000000000000001', at)).toBe(a);
    expect(automationMessageId('t1', 'wamid.A', '01JRULE0000000000000000002', at)).not.toBe(a);
    expect(automationMessageId('t2', 'wamid.A', '01JRULE0000000000000000001', at)).not.toBe(a);
    // the time part sorts with the message's arrival, as a ULID made then would
    expect(automationMessageId('t1', 'wamid.A', 'r', at + 1000) > automationMessageId('t1', 'wamid.A', 'r', at)).toBe(true);
  });

  it('keeps the idempotency key within the dispatcher\'s 255 characters', () => {
    expect(automationIdempotencyKey('wamid.A', 'r1')).toBe('automation:r1:wamid.A');
    expect(automationIdempotencyKey('w'.repeat(400), 'r1').length).toBeLessThanOrEqual(255);
  });
});
