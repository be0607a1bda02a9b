import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost per campaign (ADR 0155): a message's campaign (from its send command) on its fact, and the
 * per-campaign charge counters (`campaign_billable`, `campaign_free`, d1 = campaign id) read by id.
 */
export class CampaignCost1767200000000 implements MigrationInterface {
  name = 'CampaignCost1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE message_facts ADD COLUMN campaign_id text`);
    await q.query(`CREATE INDEX hourly_counts_campaign_idx ON hourly_counts (tenant_id, d1)
      WHERE metric IN ('campaign_billable', 'campaign_free', 'campaign_billable_in_conversation')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX hourly_counts_campaign_idx`);
    await q.query(`ALTER TABLE message_facts DROP COLUMN campaign_id`);
  }
}
