import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Meta decides about numbers and WABAs (ADR 0163): quality rating, display-name status,
 * messaging tier and throughput as Meta reports them (beside the operator's `tier`/`mps`),
 * coexistence; the WABA's review, ban and restriction state and the business verification
 * status. `meta_times` holds, per field, the time of the newest Meta fact applied (webhook
 * occurredAt or Graph read time), so an older event never overrides a newer one. The tenant's
 * business profile is one row per tenant.
 */
export class MetaAccountState1765400000163 implements MigrationInterface {
  name = 'MetaAccountState1765400000163';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE phone_numbers
        ADD COLUMN quality_rating text,
        ADD COLUMN name_status text,
        ADD COLUMN messaging_tier text,
        ADD COLUMN throughput_mps integer,
        ADD COLUMN coexistence boolean NOT NULL DEFAULT false,
        ADD COLUMN meta_times jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN meta_refreshed_at timestamptz`);
    await q.query(`
      ALTER TABLE wabas
        ADD COLUMN review_status text,
        ADD COLUMN ban_state text,
        ADD COLUMN restrictions text[] NOT NULL DEFAULT '{}',
        ADD COLUMN restricted_until timestamptz,
        ADD COLUMN violation text,
        ADD COLUMN business_verification_status text,
        ADD COLUMN meta_times jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN meta_refreshed_at timestamptz`);
    await q.query(`
      CREATE TABLE business_profiles (
        tenant_id text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        legal_name text NOT NULL,
        display_name text NOT NULL,
        category text NOT NULL,
        vertical text,
        website text,
        email text,
        phone text,
        address jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE business_profiles');
    await q.query(`
      ALTER TABLE wabas DROP COLUMN review_status, DROP COLUMN ban_state, DROP COLUMN restrictions, DROP COLUMN restricted_until,
        DROP COLUMN violation, DROP COLUMN business_verification_status, DROP COLUMN meta_times, DROP COLUMN meta_refreshed_at`);
    await q.query(`
      ALTER TABLE phone_numbers DROP COLUMN quality_rating, DROP COLUMN name_status, DROP COLUMN messaging_tier, DROP COLUMN throughput_mps,
        DROP COLUMN coexistence, DROP COLUMN meta_times, DROP COLUMN meta_refreshed_at`);
  }
}
