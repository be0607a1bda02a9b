import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A partial index over the messages still on their way (accepted, scheduled, attempting) by
 * last change, for the stuck-message reconciler's sweep (ADR 0035). Settled rows are the vast
 * majority and never enter it.
 */
export class LiveMessagesIndex1765000000000 implements MigrationInterface {
  name = 'LiveMessagesIndex1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_live_idx ON messages (updated_at) WHERE status IN ('accepted', 'scheduled', 'attempting')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_live_idx`);
  }
}
