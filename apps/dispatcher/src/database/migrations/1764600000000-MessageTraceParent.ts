import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `trace_parent`: the W3C traceparent of the request that created a message, so the spans
 *   that apply Meta's status webhooks to it (their own trace, started by ingress) can link back.
 * - an index on `created_at` for the retention prune (created_at never changes, so the index
 *   costs nothing on the hot path's updates).
 */
export class MessageTraceParent1764600000000 implements MigrationInterface {
  name = 'MessageTraceParent1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN trace_parent varchar(55)`);
    await q.query(`CREATE INDEX messages_created_idx ON messages (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_created_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN trace_parent`);
  }
}
