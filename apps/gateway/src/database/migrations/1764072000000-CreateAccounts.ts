import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, API keys, Meta apps, WABAs and phone numbers. Secrets are sealed JSON (SecretBox). */
export class CreateAccounts1764072000000 implements MigrationInterface {
  name = 'CreateAccounts1764072000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id),
        prefix text NOT NULL UNIQUE,
        key_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await q.query(`
      CREATE TABLE meta_apps (
        app_id text PRIMARY KEY,
        app_secret jsonb NOT NULL,
        verify_token jsonb NOT NULL,
        revision integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE wabas (
        waba_id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id),
        app_id text NOT NULL REFERENCES meta_apps(app_id),
        business_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX wabas_tenant_idx ON wabas (tenant_id)`);
    await q.query(`
      CREATE TABLE phone_numbers (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id),
        phone_number_id text NOT NULL UNIQUE,
        display_phone_number text NOT NULL,
        waba_id text NOT NULL REFERENCES wabas(waba_id),
        app_id text NOT NULL REFERENCES meta_apps(app_id),
        access_token jsonb NOT NULL,
        graph_base_url text NOT NULL,
        graph_api_version text NOT NULL,
        mps integer NOT NULL,
        tier text NOT NULL,
        status text NOT NULL,
        paused_reason text,
        revision integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX phone_numbers_tenant_idx ON phone_numbers (tenant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE phone_numbers');
    await q.query('DROP TABLE wabas');
    await q.query('DROP TABLE meta_apps');
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE tenants');
  }
}
