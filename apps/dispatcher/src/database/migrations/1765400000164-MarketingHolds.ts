import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user marketing holds (ADR 0164): after Meta's 131049 ("healthy ecosystem" per-user
 * marketing limit) no marketing template goes to that user from the business portfolio until
 * `held_until`; such sends fail here without a Graph call.
 */
export class MarketingHolds1765400000164 implements MigrationInterface {
  name = 'MarketingHolds1765400000164';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE marketing_holds (
        business_id varchar(64) NOT NULL,
        recipient varchar(128) NOT NULL,
        held_until timestamptz NOT NULL,
        PRIMARY KEY (business_id, recipient)
      )`);
    await q.query('CREATE INDEX marketing_holds_until_idx ON marketing_holds (held_until)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE marketing_holds');
  }
}
