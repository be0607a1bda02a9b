import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the dashboard shows per number (ADR 0124): display number, status and messaging tier from
 * `wa.number.changed.v1`, and Meta's last quality event (`phone_number_quality_update`: event
 * such as FLAGGED/UNFLAGGED/UPGRADE, and the current limit) from `wa.account.event.v1`.
 */
export class NumberStateAndQuality1767100000000 implements MigrationInterface {
  name = 'NumberStateAndQuality1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE numbers
      ADD COLUMN display_phone_number text,
      ADD COLUMN status text,
      ADD COLUMN paused_reason text,
      ADD COLUMN tier text,
      ADD COLUMN quality_event text,
      ADD COLUMN quality_limit text,
      ADD COLUMN quality_at timestamptz`);
    await q.query(`CREATE INDEX numbers_tenant_idx ON numbers (tenant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX numbers_tenant_idx`);
    await q.query(`ALTER TABLE numbers DROP COLUMN display_phone_number, DROP COLUMN status, DROP COLUMN paused_reason, DROP COLUMN tier,
      DROP COLUMN quality_event, DROP COLUMN quality_limit, DROP COLUMN quality_at`);
  }
}
