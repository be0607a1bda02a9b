import { HEADER, OUTBOUND_EVENTS_V1, OUTBOUND_RETRY_TIERS, WEBHOOK_RECEIVED_V1 } from '@wabridge/contracts';
import { deadLetterRecord } from '../dlq/dead-letter-record';
import { contractEvent, contractHeaders } from './contract-event';

describe('events of a contract', () => {
  it('take topic, event type and schema version from the contract, and the tenant as a header', () => {
    expect(contractEvent(OUTBOUND_EVENTS_V1, '1:2', { a: 1 }, { tenantId: 't1', headers: { x: 'y' } })).toEqual({
      topic: 'wa.outbound.events.v1', key: '1:2', value: { a: 1 }, eventType: 'outbound.events', schemaVersion: 1, headers: { x: 'y', [HEADER.tenantId]: 't1' },
    });
    expect(contractEvent(OUTBOUND_RETRY_TIERS[2]!.spec, 'k', {}).eventType).toBe('outbound.retry');
    expect(contractHeaders(WEBHOOK_RECEIVED_V1)).toEqual({ [HEADER.eventType]: 'webhook.received', [HEADER.schemaVersion]: '1' });
  });

  it('dead-letter with the original bytes and headers plus where they came from and why', () => {
    const record = deadLetterRecord('g.dlq.v1', { topic: 'wa.x.v1', partition: 3, groupId: 'g' }, { key: Buffer.from('k'), value: Buffer.from('v'), offset: '42', headers: { traceparent: Buffer.from('tp') } }, 'r'.repeat(5000));
    expect(record).toMatchObject({ topic: 'g.dlq.v1', key: 'k', value: Buffer.from('v') });
    expect(record.headers).toEqual({
      traceparent: 'tp', [HEADER.dlqReason]: 'r'.repeat(4000), [HEADER.dlqSourceTopic]: 'wa.x.v1', [HEADER.dlqSourcePartition]: '3', [HEADER.dlqSourceOffset]: '42', [HEADER.dlqConsumer]: 'g',
    });
  });
});
