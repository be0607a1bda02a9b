import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention and erasure (ADR 0112, 0113):
 * - `tenant_settings`: a tenant's own media retention (null = MEDIA_RETENTION_DAYS).
 * - the sender of inbound media (`wa_id`, and `user_id` for username users without a phone) on
 *   `inbound_media` (from the first sight of the message) and on `media` (copied when stored),
 *   so `wa.contact.erased.v1` finds a contact's objects. Rows written before this migration have
 *   neither and cannot be matched by an erasure (retention still removes them).
 * - the indexes the retention prune walks per tenant, oldest first.
 */
export class CreateTenantSettingsAndSender1766000000300 implements MigrationInterface {
  name = 'CreateTenantSettingsAndSender1766000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenant_settings (
      tenant_id text PRIMARY KEY,
      retention_days integer CHECK (retention_days BETWEEN 1 AND 3650),
      updated_at timestamptz NOT NULL
    )`);
    await q.query('ALTER TABLE media ADD COLUMN wa_id text, ADD COLUMN user_id text');
    await q.query('ALTER TABLE inbound_media ADD COLUMN wa_id text, ADD COLUMN user_id text');
    await q.query('CREATE INDEX media_tenant_created_idx ON media (tenant_id, created_at)');
    await q.query(`CREATE INDEX media_inbound_sender_idx ON media (tenant_id, phone_number_id, wa_id) WHERE direction = 'inbound'`);
    await q.query(`CREATE INDEX media_inbound_user_idx ON media (tenant_id, phone_number_id, user_id) WHERE direction = 'inbound' AND user_id IS NOT NULL`);
    await q.query(`CREATE INDEX inbound_media_failed_idx ON inbound_media (tenant_id, created_at) WHERE status = 'failed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX inbound_media_failed_idx');
    await q.query('DROP INDEX media_inbound_user_idx');
    await q.query('DROP INDEX media_inbound_sender_idx');
    await q.query('DROP INDEX media_tenant_created_idx');
    await q.query('ALTER TABLE inbound_media DROP COLUMN wa_id, DROP COLUMN user_id');
    await q.query('ALTER TABLE media DROP COLUMN wa_id, DROP COLUMN user_id');
    await q.query('DROP TABLE tenant_settings');
  }
}
