import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C traceparent of the request that created a message, so the spans that apply Meta's
 * status webhooks to it (their own trace, started by ingress) can link back to the send.
 */
export class MessageTraceParent1764600000000 implements MigrationInterface {
  name = 'MessageTraceParent1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN trace_parent varchar(55)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN trace_parent`);
  }
}
