import { MigrationInterface, QueryRunner } from 'typeorm';

/** Segments: saved filters over a number's contacts, used as a campaign's audience (issue 20). */
export class CreateSegments1769200000002 implements MigrationInterface {
  name = 'CreateSegments1769200000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE segments (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        name text NOT NULL,
        phone_number_id text NOT NULL,
        filter jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX segments_tenant_idx ON segments (tenant_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE segments');
  }
}
