import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaigns, their recipients (one row per campaign and recipient: the unique key is what makes
 * each recipient get at most one message) and the numbers' limits (from wa.number.changed.v1).
 * ADRs 0151-0153.
 */
export class CreateCampaigns1769200000000 implements MigrationInterface {
  name = 'CreateCampaigns1769200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        name text NOT NULL,
        phone_number_id text NOT NULL,
        template jsonb NOT NULL,
        audience jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
        start_at timestamptz,
        end_at timestamptz,
        -- expansion: the contacts API's keyset cursor of the next page; expanded once all pages are in
        expansion_cursor text,
        expansion_step integer NOT NULL DEFAULT 0,
        expanded boolean NOT NULL DEFAULT false,
        total integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX campaigns_tenant_idx ON campaigns (tenant_id, id DESC)`);
    await q.query(`CREATE INDEX campaigns_active_idx ON campaigns (status) WHERE status IN ('scheduled', 'running')`);
    await q.query(`
      CREATE TABLE campaign_recipients (
        campaign_id text NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        recipient text NOT NULL,
        seq bigserial NOT NULL,
        tenant_id text NOT NULL,
        phone_number_id text NOT NULL,
        contact_id text,
        message_id text NOT NULL,
        parameters jsonb,
        status text NOT NULL CHECK (status IN ('pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'skipped')),
        status_rank smallint NOT NULL DEFAULT 0,
        reason text,
        error_code integer,
        queued_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (campaign_id, recipient)
      )`);
    await q.query(`CREATE UNIQUE INDEX campaign_recipients_message_uq ON campaign_recipients (message_id)`);
    await q.query(`CREATE INDEX campaign_recipients_pending_idx ON campaign_recipients (campaign_id, seq) WHERE status = 'pending'`);
    // the tier budget: unique recipients planned per number in the last 24 h
    await q.query(`CREATE INDEX campaign_recipients_queued_idx ON campaign_recipients (phone_number_id, queued_at) WHERE queued_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE numbers (
        phone_number_id text PRIMARY KEY,
        tenant_id text NOT NULL,
        business_id text NOT NULL,
        tier text NOT NULL,
        mps integer NOT NULL,
        status text NOT NULL,
        revision integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE numbers');
    await q.query('DROP TABLE campaign_recipients');
    await q.query('DROP TABLE campaigns');
  }
}
