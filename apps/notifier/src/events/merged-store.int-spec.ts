import { INBOUND_MESSAGE_V1 } from '@wabridge/contracts';
import { inbound, NotifierHarness, num } from '../testing/notifier-harness';
import { SourceEventsService } from './source-events.service';

/** ADR 0197: batches consumed together are stored by one statement, each still succeeding or failing on its own. */
describe('notifier merged store of consumed batches', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await NotifierHarness.start();
  }, 90000);
  afterAll(async () => {
    await h?.stop();
  });

  it('stores concurrently handed batches together, and a batch that cannot be stored fails alone', async () => {
    const tenant = `tms-${num()}`;
    const pn = num();
    const events = h.app.get(SourceEventsService);
    const item = (waId: string, wamid: string, profileName = 'Ada') => ({ payload: inbound(pn, waId, wamid, { profileName, tenantId: tenant }), headerTenant: tenant });
    // three batches as kafkajs hands them over for three partitions of one fetch; the second holds
    // an event Postgres refuses (a NUL character is not allowed in jsonb)
    const results = await Promise.allSettled([
      events.handle(INBOUND_MESSAGE_V1.topic, [item('4917500000001', `wamid.ms-${pn}-1`), item('4917500000001', `wamid.ms-${pn}-2`)]),
      events.handle(INBOUND_MESSAGE_V1.topic, [item('4917500000002', `wamid.ms-${pn}-3`), item('4917500000002', `wamid.ms-${pn}-4`, 'A\u0000B')]),
      events.handle(INBOUND_MESSAGE_V1.topic, [item('4917500000003', `wamid.ms-${pn}-5`)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await h.sql<{ wamid: string }>(`SELECT body->'data'->>'wamid' AS wamid FROM events WHERE tenant_id = $1 ORDER BY 1`, [tenant]);
    // the failed batch stored nothing (its statement is atomic); the others everything
    expect(stored.map((r) => r.wamid)).toEqual([`wamid.ms-${pn}-1`, `wamid.ms-${pn}-2`, `wamid.ms-${pn}-5`]);
  }, 60000);
});
