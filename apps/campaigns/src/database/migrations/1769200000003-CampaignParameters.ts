import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-recipient template parameters uploaded as CSV (issue 20, ADR 0156): one row per recipient
 * (wa_id) of a campaign, the named values `{{csv.<name>}}` placeholders take; the upload's
 * columns on the campaign.
 */
export class CampaignParameters1769200000003 implements MigrationInterface {
  name = 'CampaignParameters1769200000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign_parameters (
        campaign_id text NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        recipient text NOT NULL,
        "values" jsonb NOT NULL,
        PRIMARY KEY (campaign_id, recipient)
      )`);
    await q.query(`ALTER TABLE campaigns ADD COLUMN parameters jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaigns DROP COLUMN parameters');
    await q.query('DROP TABLE campaign_parameters');
  }
}
