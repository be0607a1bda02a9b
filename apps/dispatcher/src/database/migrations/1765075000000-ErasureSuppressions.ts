import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suppressions of erased contacts that had opted out (ADR 0075): a keyed hash of
 * tenant + number + recipient, never the recipient itself. `lifted_at` records an explicit
 * opt-in newer than the erasure (kept, so a replay of the erasure does not suppress again).
 */
export class ErasureSuppressions1765075000000 implements MigrationInterface {
  name = 'ErasureSuppressions1765075000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppressions (
        hash varchar(64) PRIMARY KEY,
        tenant_id varchar(64) NOT NULL,
        suppressed_at timestamptz NOT NULL,
        lifted_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE suppressions`);
  }
}
