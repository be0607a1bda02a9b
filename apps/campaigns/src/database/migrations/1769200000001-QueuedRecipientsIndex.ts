import { MigrationInterface, QueryRunner } from 'typeorm';

/** The runner counts each number's recipients still with the dispatcher (in flight) before it plans more (ADR 0153). */
export class QueuedRecipientsIndex1769200000001 implements MigrationInterface {
  name = 'QueuedRecipientsIndex1769200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX campaign_recipients_in_flight_idx ON campaign_recipients (campaign_id) WHERE status = 'queued'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX campaign_recipients_in_flight_idx');
  }
}
