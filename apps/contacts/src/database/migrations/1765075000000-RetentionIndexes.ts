import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the retention prunes (ADR 0076): each prune picks its oldest rows by time, in
 * chunks, so it must not scan the whole table for every chunk.
 */
export class RetentionIndexes1765075000000 implements MigrationInterface {
  name = 'RetentionIndexes1765075000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS processed_inbound_processed_at_idx ON processed_inbound (processed_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS opt_events_at_idx ON opt_events (at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS parked_events_parked_at_idx ON parked_events (parked_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS parked_events_parked_at_idx`);
    await q.query(`DROP INDEX IF EXISTS opt_events_at_idx`);
    await q.query(`DROP INDEX IF EXISTS processed_inbound_processed_at_idx`);
  }
}
