import type { OutboundEventV1 } from '@wabridge/contracts';
import { recipientStep } from './progress';

const ev = (event: OutboundEventV1['event'], error?: OutboundEventV1['error']): OutboundEventV1 =>
  ({ id: 'M1', tenantId: 't', phoneNumberId: '1', recipient: '4915', event, occurredAt: '2026-12-06T00:00:00Z', ...(error ? { error } : {}) });

describe('campaign progress from the dispatcher\'s events', () => {
  it('moves a recipient through sent, delivered and read', () => {
    expect(['sent', 'delivered', 'read', 'played'].map((e) => recipientStep(ev(e as OutboundEventV1['event']))?.status)).toEqual(['sent', 'delivered', 'read', 'read']);
  });

  it('counts the marketing limit (131049) as failed with its code, and an opt-out at send time as skipped', () => {
    expect(recipientStep(ev('failed', { class: 'quality', code: 131049, message: 'marketing limit' }))).toMatchObject({ status: 'failed', errorCode: 131049, rank: 9 });
    expect(recipientStep(ev('rejected', { class: 'compliance', message: 'contact opted out' }))).toMatchObject({ status: 'skipped', reason: 'contact opted out' });
  });

  it('leaves a recipient queued on accepted and retries', () => {
    expect(recipientStep(ev('accepted'))).toBeNull();
    expect(recipientStep(ev('retry-scheduled'))).toBeNull();
  });
});
