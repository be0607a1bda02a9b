import { MigrationInterface, QueryRunner } from 'typeorm';

/** The template's quality score from `message_template_quality_update` (GREEN/YELLOW/RED/UNKNOWN; ADR 0163). */
export class TemplateQuality1765400000165 implements MigrationInterface {
  name = 'TemplateQuality1765400000165';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE templates ADD COLUMN quality_score text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE templates DROP COLUMN quality_score');
  }
}
