import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled sends the gateway holds until their `sendAt` (ADR 0150). The command waits here,
 * not on Kafka: `pending` → `releasing` (claimed by a releaser, produce in flight or unknown)
 * → `released` (on the topic); or `pending` → `cancelled`. Cancel and release are competing
 * updates of one row, so a cancelled send is never produced.
 */
export class ScheduledSends1765200000150 implements MigrationInterface {
  name = 'ScheduledSends1765200000150';

  async up(q: QueryRunner): Promise<void> {
    // Every send's `sendAt`, shown by GET /v1/messages (scheduled or not).
    await q.query('ALTER TABLE messages ADD COLUMN send_at timestamptz');
    await q.query(`
      CREATE TABLE scheduled_sends (
        message_id text PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        tenant_id text NOT NULL,
        phone_number_id text NOT NULL,
        send_at timestamptz NOT NULL,
        command jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'releasing', 'released', 'cancelled')),
        claimed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX scheduled_sends_due_idx ON scheduled_sends (send_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX scheduled_sends_releasing_idx ON scheduled_sends (claimed_at) WHERE state = 'releasing'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE scheduled_sends');
    await q.query('ALTER TABLE messages DROP COLUMN send_at');
  }
}
