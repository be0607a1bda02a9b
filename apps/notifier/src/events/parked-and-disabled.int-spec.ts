import { INBOUND_MESSAGE_V1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { inbound, NotifierHarness, num } from '../testing/notifier-harness';
import { Receiver } from '../testing/receiver';

describe('notifier: events before their number is known, endpoints failing for too long', () => {
  let h: NotifierHarness;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    // an endpoint failing for 1.5 s without a success is disabled (production: 5 days)
    h = await NotifierHarness.start({ NOTIFIER_DISABLE_AFTER_MS: '1500', NOTIFIER_RETRY_SCHEDULE_MS: '0,300,300,300,300,300,300,300,300,300' });
  }, 90000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await h?.stop();
  });
  const receiver = async (): Promise<Receiver> => {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  };

  it('parks an inbound message whose number is not announced yet and delivers it once the number names its tenant', async () => {
    const t = `tp-${num()}`;
    const pn = num();
    const r = await receiver();
    await h.endpoint(t, { url: r.url });
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:1`, inbound(pn, '491511', `wamid.early-${pn}`));
    await waitFor(async () => (await h.sql(`SELECT 1 FROM parked_events WHERE phone_number_id = $1`, [pn])).length === 1, { what: 'parked' });
    expect(r.received).toHaveLength(0);
    await h.announce(pn, t);
    await waitFor(() => r.accepted().length === 1, { what: 'delivered after the announcement' });
    expect(r.accepted()[0]!.body.data).toMatchObject({ tenantId: t, wamid: `wamid.early-${pn}` });
    expect(await h.sql(`SELECT 1 FROM parked_events WHERE phone_number_id = $1`, [pn])).toHaveLength(0);
  }, 30000);

  it('disables an endpoint failing for longer than NOTIFIER_DISABLE_AFTER_MS and tells the tenant through its other endpoints', async () => {
    const t = `td-${num()}`;
    const pn = num();
    await h.announce(pn, t);
    const [down, other] = [await receiver(), await receiver()];
    down.status = 500;
    const bad = await h.endpoint(t, { url: down.url });
    const good = await h.endpoint(t, { url: other.url, events: ['account.alert'] });
    other.secrets = [good.secret];
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:1`, inbound(pn, '491511', `wamid.d-${pn}`));
    const alert = await waitFor(() => other.accepted().find((x) => x.body.data.kind === 'endpoint-disabled'), { what: 'the notice' });
    expect(alert).toMatchObject({ validFor: [good.secret], body: { type: 'account.alert', data: { tenantId: t, endpointId: bad.id } } });
    const shown = await h.http('GET', `/v1/webhook-endpoints/${bad.id}`, { tenant: t });
    expect(shown.body).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('failing since') });
    // disabled: no more attempts; the delivery waits, and re-enabling delivers it
    const attempts = down.received.length;
    await new Promise((r) => setTimeout(r, 800));
    expect(down.received.length).toBe(attempts);
    down.status = 200;
    expect((await h.http('PATCH', `/v1/webhook-endpoints/${bad.id}`, { tenant: t, body: { enabled: true } })).body).toMatchObject({ enabled: true, disabledReason: null });
    await waitFor(() => down.accepted().length === 1, { what: 'delivered after re-enabling' });
  }, 30000);
});
