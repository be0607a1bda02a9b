import type { MigrationInterface, QueryRunner } from 'typeorm';

// Unqualified names on purpose: they must land in the service's schema via search_path.
export class CreateNotes1764000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notes (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notes_tenant_body_key UNIQUE (tenant_id, body)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notes');
  }
}
