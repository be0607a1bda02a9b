import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createServiceDataSource, freshTestSchema, runMigrations, TestSchema } from '@wabridge/database';
import { INGRESS_MIGRATIONS } from '../app.factory';
import { ProcessedEventsRepository } from './processed-events.repository';

describe('dedupe ledger retention (real Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;

  beforeAll(async () => {
    schema = await freshTestSchema('ingress_prune');
    ds = createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: INGRESS_MIGRATIONS, entities: [] });
    await ds.initialize();
    await runMigrations(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await schema?.drop();
  });

  it('prunes every id older than the retention in chunks until none is left, and keeps the recent ones', async () => {
    await ds.query(`INSERT INTO processed_events (event_key, topic, state, created_at, produced_at)
                    SELECT 'old.' || g, 't', 'produced', now() - interval '9 days', now() FROM generate_series(1, 35) g`);
    await ds.query(`INSERT INTO processed_events (event_key, topic, state, created_at, produced_at)
                    SELECT 'new.' || g, 't', 'produced', now() - interval '7 days', now() FROM generate_series(1, 5) g`);
    const repo = new ProcessedEventsRepository(ds);

    // a chunk of 10: one call still removes all 35 (before, one call removed at most one chunk)
    expect(await repo.prune(8, 10)).toBe(35);

    const left: { event_key: string }[] = await ds.query('SELECT event_key FROM processed_events ORDER BY event_key');
    expect(left.map((r) => r.event_key)).toEqual(['new.1', 'new.2', 'new.3', 'new.4', 'new.5']);
    expect(await repo.prune(8, 10)).toBe(0);
  });
});
