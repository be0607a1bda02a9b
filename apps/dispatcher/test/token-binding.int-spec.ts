import { accessTokenAad } from '@wabridge/config';
import { NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { metricsRegistry } from '@wabridge/telemetry';
import { waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { box, Harness, waitForContact, waitForNumber } from '../src/testing/harness';

/** dispatcher_number_config_refused_total{where} as seen by this process (the app runs in-process). */
async function refused(where: 'event' | 'stored'): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('dispatcher_number_config_refused_total')?.get();
  return metric?.values.find((v) => v.labels.where === where)?.value ?? 0;
}

/**
 * ADR 0072: a number's sealed access token opens only with the number, Graph base URL and
 * revision it was sealed for. A replayed/edited config event cannot send the token elsewhere.
 */
describe('dispatcher: access token bound to number and Graph base URL (real Kafka and Postgres)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const evil = new GraphStub();
  const NUM = String(200000 + Math.floor(Math.random() * 799999));
  const OLD = String(Number(NUM) + 1);
  const messageStatus = async (id: string): Promise<string | undefined> =>
    ((await h.dispatcher!.dataSource.query('SELECT status FROM messages WHERE id = $1', [id])) as { status: string }[])[0]?.status;

  beforeAll(async () => {
    await Promise.all([graph.start(), evil.start()]);
    await h.start();
    await h.boot();
  });
  afterAll(async () => {
    await h.stop();
    await Promise.all([graph.stop(), evil.stop()]);
  });

  it('refuses an event that pairs a real token with another base URL (or a bumped revision): the token never reaches that host', async () => {
    await h.number(NUM, graph.url, { token: 'real-token', revision: 5 });
    await waitForNumber(h, NUM, 'active', 5);
    await h.contact(NUM, '4915200000001');
    await waitForContact(h, NUM, '4915200000001');
    // The attacker replays the genuine event with another host (and a higher revision so it would win).
    const before = await refused('event');
    const genuine = await h.dispatcher!.dataSource.query('SELECT access_token FROM numbers WHERE phone_number_id = $1', [NUM]);
    const forged: NumberChangedV1 = Object.assign(new NumberChangedV1(), {
      phoneNumberId: NUM, tenantId: 'tenant-1', displayPhoneNumber: '+1555000', wabaId: `waba-${NUM}`, appId: 'app-1',
      businessId: `biz-${NUM}`, status: 'active', mps: 80, tier: 'unlimited', graphBaseUrl: evil.url, graphApiVersion: 'v23.0',
      accessToken: genuine[0].access_token, revision: 6, updatedAt: new Date().toISOString(),
    });
    await h.producer.send({ topic: NUMBER_CHANGED_V1.topic, key: NUM, value: forged });
    await waitFor(async () => (await refused('event')) > before, { what: 'the forged config counted as refused' });

    const rows = await h.dispatcher!.dataSource.query('SELECT graph_base_url, revision FROM numbers WHERE phone_number_id = $1', [NUM]);
    expect(rows[0]).toMatchObject({ graph_base_url: graph.url, revision: 5 });
    const req = h.request(NUM, '4915200000001');
    await h.send([req]);
    await waitFor(() => h.kinds(req.id).includes('sent'), { what: 'sent through the genuine config' });
    expect(graph.calls.map((c) => c.authorization)).toEqual(['Bearer real-token']);
    expect(evil.calls).toEqual([]);
  });

  it('holds a number whose stored token was sealed under the old AAD (number only) and sends once a config that opens arrives', async () => {
    // A row as a dispatcher before ADR 0072 stored it: token sealed with `number:<id>`.
    await h.dispatcher!.dataSource.query(
      `INSERT INTO numbers (phone_number_id, tenant_id, waba_id, business_id, status, mps, tier, graph_base_url, graph_api_version, access_token, revision, updated_at)
       VALUES ($1, 'tenant-1', $2, $3, 'active', 80, 'unlimited', $4, 'v23.0', $5, 1, now())`,
      [OLD, `waba-${OLD}`, `biz-${OLD}`, graph.url, JSON.stringify(box.seal('old-scheme-token', `number:${OLD}`))],
    );
    await h.contact(OLD, '4915200000002');
    await waitForContact(h, OLD, '4915200000002');
    const before = await refused('stored');
    const req = h.request(OLD, '4915200000002');
    await h.send([req]);
    await waitFor(async () => (await messageStatus(req.id)) === 'paused', { what: 'the message held, not sent' });
    expect(await refused('stored')).toBeGreaterThan(before);
    expect(graph.calls.filter((c) => c.phoneNumberId === OLD)).toEqual([]);

    // The gateway republishes at boot (re-sealed with the new AAD): the number resumes.
    await h.number(OLD, graph.url, { token: 'resealed-token', revision: 2 });
    await waitFor(() => h.kinds(req.id).includes('sent'), { what: 'sent after the re-sealed config', timeoutMs: 30000 });
    expect(graph.calls.filter((c) => c.phoneNumberId === OLD).map((c) => c.authorization)).toEqual(['Bearer resealed-token']);
  });

  it('opens a token only with the exact AAD it was sealed for', () => {
    const n = { phoneNumberId: '123', graphBaseUrl: 'https://graph.facebook.com', revision: 3 };
    const sealed = box.seal('t', accessTokenAad(n));
    expect(box.open(sealed, accessTokenAad(n))).toBe('t');
    for (const other of [{ ...n, phoneNumberId: '124' }, { ...n, graphBaseUrl: 'https://graph.facebook.com.evil' }, { ...n, revision: 4 }]) {
      expect(() => box.open(sealed, accessTokenAad(other))).toThrow();
    }
    expect(() => box.open(sealed, 'number:123')).toThrow();
  });
});
