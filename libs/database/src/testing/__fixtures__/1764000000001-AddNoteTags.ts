import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddNoteTags1764000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notes ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notes DROP COLUMN tags');
  }
}
