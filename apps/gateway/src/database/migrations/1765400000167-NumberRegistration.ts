import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Number registration and embedded signup (ADRs 0167, 0168): a number's registration state
 * with Meta (`pending` → `code_requested` → `code_verified` → `registered`; numbers an operator
 * added were live already, hence the default) and whether a two-step PIN is set (the PIN itself
 * is never stored). `embedded_signups` remembers each exchanged code (its SHA-256, never the code)
 * with the sealed business token and the answer, so a retried exchange answers the same.
 */
export class NumberRegistration1765400000167 implements MigrationInterface {
  name = 'NumberRegistration1765400000167';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE phone_numbers
        ADD COLUMN registration_status text NOT NULL DEFAULT 'registered'
          CHECK (registration_status IN ('pending', 'code_requested', 'code_verified', 'registered')),
        ADD COLUMN two_step_pin_set boolean NOT NULL DEFAULT false,
        ADD COLUMN registration_updated_at timestamptz`);
    await q.query(`
      CREATE TABLE embedded_signups (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        app_id text NOT NULL,
        code_hash bytea NOT NULL UNIQUE,
        business_token jsonb NOT NULL,
        waba_ids text[] NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX embedded_signups_tenant_idx ON embedded_signups (tenant_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE embedded_signups');
    await q.query('ALTER TABLE phone_numbers DROP COLUMN registration_status, DROP COLUMN two_step_pin_set, DROP COLUMN registration_updated_at');
  }
}
