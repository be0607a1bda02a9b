import { OutboundRequestedV1 } from '@wabridge/contracts';
import { createServiceDataSource, freshTestSchema, runMigrations, TestSchema } from '@wabridge/database';
import { waitFor } from '@wabridge/testing';
import { DataSource } from 'typeorm';
import { DISPATCHER_MIGRATIONS } from '../database/migrations';
import { Pg } from '../database/pg';
import { MessageRepository } from './message.repository';

// The claim in one round trip (ADR 0223), on real Postgres: what the pipeline's idempotency relies on.
describe('dispatcher message claim (real Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let repo: MessageRepository;
  let n = 0;
  const request = (o: Partial<OutboundRequestedV1> = {}): OutboundRequestedV1 => Object.assign(new OutboundRequestedV1(), {
    id: `01JCLAIM${String(++n).padStart(18, '0')}`, tenantId: 'tenant-1', phoneNumberId: '106540352242922', to: `49151${String(n).padStart(8, '0')}`,
    type: 'text', message: { text: { body: `hi ${n}` } }, requestedAt: new Date().toISOString(), ...o,
  });

  beforeAll(async () => {
    schema = await freshTestSchema('dispatcher_claim');
    ds = createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: DISPATCHER_MIGRATIONS, poolSize: 4 });
    await runMigrations(ds);
    repo = new MessageRepository(new Pg(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await schema?.drop();
  });

  it('creates new rows once, returns the stored row of a known id, and no row for another id\'s idempotency key', async () => {
    const first = request({ idempotencyKey: 'order-1' });
    const second = request();
    const created = await repo.claim([first, second], new Map([[first.id, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']]));
    expect(created.get(first.id)).toMatchObject({ id: first.id, status: 'accepted', version: 0, attempts: 0, created: true, request: { id: first.id } });
    expect(created.get(second.id)).toMatchObject({ status: 'accepted', created: true });
    await ds.query(`UPDATE messages SET status = 'sent', version = 2, attempts = 1 WHERE id = $1`, [second.id]);

    const sameKey = request({ idempotencyKey: 'order-1' }); // another id, the same tenant and key: a duplicate of `first`
    const again = await repo.claim([first, second, sameKey]);
    expect(again.get(first.id)).toMatchObject({ status: 'accepted', created: false });
    expect(again.get(second.id)).toMatchObject({ status: 'sent', version: 2, attempts: 1, created: false });
    expect(again.has(sameKey.id)).toBe(false);
    const stored = await ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM messages WHERE id = ANY($1)', [[first.id, second.id, sameKey.id]]);
    expect(stored[0]!.n).toBe(2);
  });

  it('returns the row another owner committed while the claim waited on it (not "no row", which would drop the send)', async () => {
    const req = request();
    const other = ds.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(
        `INSERT INTO messages (id, tenant_id, phone_number_id, recipient, type, status, version, attempts, request)
         VALUES ($1, $2, $3, $4, 'text', 'attempting', 1, 1, $5::jsonb)`,
        [req.id, req.tenantId, req.phoneNumberId, req.to, JSON.stringify(req)],
      );
      const [{ pid }] = await other.query('SELECT pg_backend_pid() AS pid') as [{ pid: number }];
      let settled = false;
      const claim = repo.claim([req]).finally(() => { settled = true; });
      // the claim's INSERT waits on the other transaction's row (its lock), seen from Postgres
      await waitFor(async () => (await ds.query(
        `SELECT 1 FROM pg_locks w JOIN pg_locks h ON h.transactionid = w.transactionid AND h.granted AND NOT w.granted WHERE h.pid = $1`, [pid],
      )).length > 0, { what: 'the claim waiting on the uncommitted row' });
      expect(settled).toBe(false);
      await other.commitTransaction();
      const rows = await claim;
      expect(rows.get(req.id)).toMatchObject({ id: req.id, status: 'attempting', version: 1, attempts: 1, created: false });
    } finally {
      await other.release();
    }
  });
});
