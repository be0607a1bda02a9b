import { INBOUND_MESSAGE_V1, InboundMessageV1, topicName, WEBHOOK_RECEIVED_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { DataSource } from 'typeorm';
import { TopicCollector } from '@wabridge/testing';
import { APP_ID, IngressHarness, startIngress } from '../testing/ingress-harness';
import { NormalizerService } from './normalizer.service';

/**
 * The normalizer commits its Kafka transaction (events + the webhook's offset) inside the
 * Postgres transaction of its dedupe claims. If Postgres goes away between the two commits, the
 * claims are lost while the events are out, and the consumer retries the batch in place
 * (ADR 0060). The retry must see that the offset is already committed and produce nothing again.
 */
describe('normalizer retry after its Kafka transaction committed (real Kafka + Postgres)', () => {
  let h: IngressHarness;
  let inbound: TopicCollector<InboundMessageV1>;

  beforeAll(async () => {
    h = await startIngress({ NORMALIZER_GROUP_ID: `norm-retry-${Date.now()}` });
    inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, h.suffix);
  }, 60000);
  afterAll(async () => {
    await inbound?.stop();
    await h?.close();
  });

  it('records the claims and produces nothing again when the earlier attempt had committed', async () => {
    const normalizer = h.app.get(NormalizerService);
    const wamid = `wamid.retry-after-commit-${h.suffix}`;
    const body = { object: 'whatsapp_business_account', entry: [{ id: '123', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001', phone_number_id: '4242' },
      contacts: [{ profile: { name: 'Ana' }, wa_id: '4917000000042' }],
      messages: [{ from: '4917000000042', id: wamid, timestamp: '1700000000', type: 'text', text: { body: 'hi' } }],
    } }] }] };
    const payload: WebhookReceivedV1 = { appId: APP_ID, receivedAt: new Date().toISOString(), rawBody: Buffer.from(JSON.stringify(body)).toString('base64') };
    // A batch as the transport hands it over (its own group, so nothing else commits for it).
    const item = (attempt: number): KafkaBatchItem<WebhookReceivedV1> => ({
      payload,
      message: {} as KafkaBatchItem['message'],
      meta: {
        topic: WEBHOOK_RECEIVED_V1.topic, realTopic: topicName(WEBHOOK_RECEIVED_V1.topic, h.suffix), partition: 0, offset: '0',
        key: '4242', timestamp: String(Date.now()), headers: {}, attempt, groupId: `retry-after-commit-${h.suffix}`,
      },
    });
    await normalizer.handleBatch([item(1)]);
    await inbound.waitForCount(1, 30000);
    // As if the Postgres commit had failed after the Kafka commit: the claim is gone.
    await h.app.get(DataSource).query(`DELETE FROM processed_events WHERE event_key LIKE $1`, [`%${wamid}%`]);
    await normalizer.handleBatch([item(2)]);
    await inbound.settle(1500);
    expect(inbound.values().filter((m) => m.wamid === wamid)).toHaveLength(1);
    // The claim is back, so a later duplicate webhook from Meta is skipped too.
    const claims = await h.app.get(DataSource).query(`SELECT 1 FROM processed_events WHERE event_key LIKE $1`, [`%${wamid}%`]);
    expect(claims).toHaveLength(1);
  }, 60000);
});
