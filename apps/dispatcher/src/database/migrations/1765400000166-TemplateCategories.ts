import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Template categories the dispatcher learned (ADR 0164): from `template_category_update` events
 * and from a 131049 failure (only marketing templates draw it). Used for the marketing hold when
 * a command carries no `templateCategory` (internal producers such as campaigns).
 */
export class TemplateCategories1765400000166 implements MigrationInterface {
  name = 'TemplateCategories1765400000166';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE template_categories (
        waba_id varchar(64) NOT NULL,
        name varchar(512) NOT NULL,
        language varchar(32) NOT NULL,
        category varchar(32) NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (waba_id, name, language)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE template_categories');
  }
}
