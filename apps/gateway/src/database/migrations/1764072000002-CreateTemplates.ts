import { MigrationInterface, QueryRunner } from 'typeorm';

/** Local mirror of message templates per WABA (created through Graph, status from webhooks). */
export class CreateTemplates1764072000002 implements MigrationInterface {
  name = 'CreateTemplates1764072000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE templates (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        waba_id text NOT NULL,
        meta_template_id text,
        name text NOT NULL,
        language text NOT NULL,
        category text NOT NULL,
        status text NOT NULL,
        components jsonb NOT NULL,
        rejected_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (waba_id, name, language)
      )`);
    await q.query(`CREATE INDEX templates_tenant_idx ON templates (tenant_id, waba_id)`);
    await q.query(`CREATE INDEX templates_meta_id_idx ON templates (meta_template_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE templates');
  }
}
