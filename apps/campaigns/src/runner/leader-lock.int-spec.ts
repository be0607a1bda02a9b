import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createServiceDataSource, freshTestSchema, TestSchema } from '@wabridge/database';
import { LeaderLock } from './leader-lock';

// Two campaigns instances (two DataSources, as two processes would have) and one lock key.
describe('campaigns runner leadership (LeaderLock on real Postgres)', () => {
  let schema: TestSchema;
  let a: DataSource;
  let b: DataSource;
  const key = (): string => `campaigns-runner:leader-lock-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    schema = await freshTestSchema('campaigns_leader');
    [a, b] = [1, 2].map(() => createServiceDataSource({ url: schema.url, schema: schema.schema, poolSize: 3 })) as [DataSource, DataSource];
    await Promise.all([a.initialize(), b.initialize()]);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await schema?.drop();
  });

  it('lets one instance lead; the other takes over once it releases (its connection back in the pool, the lock not)', async () => {
    const k = key();
    const first = new LeaderLock(a, k);
    const second = new LeaderLock(b, k);
    expect(await first.claim()).toBe('taken');
    expect(await second.claim()).toBe('elsewhere');
    expect(await first.claim()).toBe('held');
    await first.release();
    expect(await second.claim()).toBe('taken');
    expect(await first.claim()).toBe('elsewhere');
    await second.release();
  });

  it('hands the lead over when the leader\'s connection dies (e.g. terminated by a Postgres restart)', async () => {
    const k = key();
    const first = new LeaderLock(a, k);
    const second = new LeaderLock(b, k);
    expect(await first.claim()).toBe('taken');
    const [holder] = (await b.query(
      `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtext($1)::bigint & 4294967295)::oid`, [k],
    )) as { pid: number }[];
    expect(holder).toBeDefined();
    await b.query('SELECT pg_terminate_backend($1, 5000)', [holder!.pid]); // waits until the backend is gone
    expect(await second.claim()).toBe('taken');
    // the old leader notices on its next claim and follows
    expect(await first.claim()).toBe('elsewhere');
    await second.release();
  });
});
