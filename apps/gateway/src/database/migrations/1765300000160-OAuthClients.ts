import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth2 client credentials beside API keys (ADR 0160-0162): clients (secret stored as its
 * SHA-256, a previous secret valid until a time during rotation), the JWT signing keys (private
 * key sealed with SecretBox, public JWK in clear, `retired_at` once a newer key signs), and API
 * key expiry (self-service rotation sets it on the old key).
 */
export class OAuthClients1765300000160 implements MigrationInterface {
  name = 'OAuthClients1765300000160';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys ADD COLUMN expires_at timestamptz');
    await q.query('ALTER TABLE api_keys ADD COLUMN name text');
    await q.query(`
      CREATE TABLE oauth_clients (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        name text NOT NULL,
        scopes text[] NOT NULL,
        secret_hash bytea NOT NULL,
        previous_secret_hash bytea,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query('CREATE INDEX oauth_clients_tenant_idx ON oauth_clients (tenant_id)');
    await q.query(`
      CREATE TABLE oauth_signing_keys (
        kid text PRIMARY KEY,
        private_key jsonb NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        retired_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE oauth_signing_keys');
    await q.query('DROP TABLE oauth_clients');
    await q.query('ALTER TABLE api_keys DROP COLUMN name');
    await q.query('ALTER TABLE api_keys DROP COLUMN expires_at');
  }
}
