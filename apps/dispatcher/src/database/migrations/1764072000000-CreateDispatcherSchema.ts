import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dispatcher's own tables (schema `dispatcher`; search_path is that schema only).
 * - messages: one row per outbound request; `version` is an optimistic lock every transition
 *   bumps, so a stale copy of a message (redelivery, old retry) can never act twice.
 * - portfolio_reach: business-initiated users reached per portfolio (messaging limit).
 * - numbers / contacts / templates: local copies of other services' state (events).
 */
export class CreateDispatcherSchema1764072000000 implements MigrationInterface {
  name = 'CreateDispatcherSchema1764072000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE messages (
        id varchar(64) PRIMARY KEY,
        tenant_id varchar(64) NOT NULL,
        phone_number_id varchar(32) NOT NULL,
        recipient varchar(128) NOT NULL,
        type varchar(32) NOT NULL,
        status varchar(16) NOT NULL,
        version integer NOT NULL DEFAULT 0,
        wamid varchar(512),
        idempotency_key varchar(255),
        attempts integer NOT NULL DEFAULT 0,
        request jsonb NOT NULL,
        not_before timestamptz,
        attempted_at timestamptz,
        sent_at timestamptz,
        error_class varchar(32),
        error_code integer,
        error_message text,
        reconciled_resends integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX messages_wamid_uq ON messages (wamid) WHERE wamid IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX messages_idempotency_uq ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX messages_held_idx ON messages (phone_number_id) WHERE status = 'paused'`);
    await q.query(`CREATE INDEX messages_tenant_idx ON messages (tenant_id, created_at)`);
    await q.query(`
      CREATE TABLE portfolio_reach (
        business_id varchar(64) NOT NULL,
        recipient varchar(128) NOT NULL,
        reached_at timestamptz NOT NULL,
        PRIMARY KEY (business_id, recipient)
      )`);
    await q.query(`CREATE INDEX portfolio_reach_window_idx ON portfolio_reach (business_id, reached_at)`);
    await q.query(`
      CREATE TABLE numbers (
        phone_number_id varchar(32) PRIMARY KEY,
        tenant_id varchar(64) NOT NULL,
        waba_id varchar(64) NOT NULL,
        business_id varchar(64) NOT NULL,
        status varchar(16) NOT NULL,
        paused_reason text,
        paused_at_revision integer,
        mps integer NOT NULL,
        tier varchar(16) NOT NULL,
        graph_base_url text NOT NULL,
        graph_api_version varchar(16) NOT NULL,
        access_token jsonb NOT NULL,
        revision integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE contacts (
        tenant_id varchar(64) NOT NULL,
        phone_number_id varchar(32) NOT NULL,
        recipient varchar(128) NOT NULL,
        window_open_until timestamptz,
        opted_out boolean NOT NULL,
        reachable boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (phone_number_id, recipient, tenant_id)
      )`);
    await q.query(`
      CREATE TABLE templates (
        waba_id varchar(64) NOT NULL,
        name varchar(512) NOT NULL,
        language varchar(32) NOT NULL,
        status varchar(32) NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (waba_id, name, language)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE templates`);
    await q.query(`DROP TABLE contacts`);
    await q.query(`DROP TABLE numbers`);
    await q.query(`DROP TABLE portfolio_reach`);
    await q.query(`DROP TABLE messages`);
  }
}
