import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WidgetNames1700000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE widgets ADD COLUMN name text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE widgets DROP COLUMN name');
  }
}
