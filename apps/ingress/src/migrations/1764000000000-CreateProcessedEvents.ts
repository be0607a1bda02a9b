import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dedupe ledger of the normalizer: one row per typed event ever produced. Rows are written in
 * the same Postgres transaction that wraps the Kafka transaction producing the events.
 */
export class CreateProcessedEvents1764000000000 implements MigrationInterface {
  name = 'CreateProcessedEvents1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processed_events (
        event_key   text PRIMARY KEY,
        topic       text NOT NULL,
        state       text NOT NULL CHECK (state IN ('pending', 'produced')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        produced_at timestamptz
      )`);
    await q.query(`CREATE INDEX processed_events_created_at_idx ON processed_events (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processed_events`);
  }
}
