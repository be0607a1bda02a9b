import { DataSource } from 'typeorm';
import { RegistryRepository } from '../accounts/registry.repository';
import { Harness, seedTenant, startGateway } from '../testing/gateway-harness';
import { DATA_SOURCE } from '../tokens';

/**
 * The hot path's two short caches (API key, phone number; ADR 0218) after an idle or at their
 * expiry: a burst of requests that all miss shares one read of each, instead of one query and
 * one pooled connection per request (the herd that opened ~20 Postgres connections at once in
 * the gateway bench's tail). Real Postgres and Kafka; the reads are counted where they are made.
 */
describe('send path: a cold burst reads the key and the number once', () => {
  let h: Harness;
  let keyReads = 0;
  let numberReads = 0;

  beforeAll(async () => {
    h = await startGateway();
    const db = h.gw.app.get<DataSource>(DATA_SOURCE);
    const query = db.query.bind(db);
    db.query = ((sql: string, params?: unknown[]) => {
      if (/FROM api_keys WHERE prefix/.test(sql)) keyReads++;
      return query(sql, params);
    }) as typeof db.query;
    const repo = h.gw.app.get(RegistryRepository);
    const findNumber = repo.findNumber.bind(repo);
    repo.findNumber = (id: string) => {
      numberReads++;
      return findNumber(id);
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 40 concurrent sends with a key and a number nobody used yet after one read of each', async () => {
    const fx = await seedTenant(h); // a new key and number: neither is cached
    keyReads = 0;
    numberReads = 0;
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: '+14155550123', type: 'text', text: { body: `burst ${i}` } })));
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(keyReads).toBe(1);
    expect(numberReads).toBe(1);
  });

  it('shares one read among concurrent requests with a wrong key, and caches no refusal', async () => {
    const fx = await seedTenant(h);
    const wrong = fx.key.slice(0, -4) + (fx.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    keyReads = 0;
    const replies = await Promise.all(Array.from({ length: 20 }, () => h.api(wrong, 'GET', '/v1/messages')));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(401));
    expect(keyReads).toBe(1);
    expect((await h.api(wrong, 'GET', '/v1/messages')).status).toBe(401);
    expect(keyReads).toBe(2);
  });
});
