import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateContacts1764100000000 implements MigrationInterface {
  name = 'CreateContacts1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // phone_number_id → tenant, learned from wa.number.changed.v1 (inbound events carry no tenant)
    await q.query(`CREATE TABLE numbers (
      phone_number_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      revision integer NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE contacts (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      phone_number_id text NOT NULL,
      wa_id text,
      user_id text,
      parent_user_id text,
      username text,
      phone_e164 text,
      profile_name text,
      first_inbound_at timestamptz,
      last_inbound_at timestamptz,
      window_open_until timestamptz,
      opted_out boolean NOT NULL DEFAULT false,
      opt_in_state text NOT NULL DEFAULT 'unknown' CHECK (opt_in_state IN ('unknown', 'opted_in', 'opted_out')),
      opt_source text,
      opt_changed_at timestamptz,
      reachable boolean NOT NULL DEFAULT true,
      reachability_at timestamptz,
      attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
      tags text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CONSTRAINT contacts_identity CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
    )`);
    await q.query(`CREATE UNIQUE INDEX contacts_wa_id_uq ON contacts (tenant_id, phone_number_id, wa_id) WHERE wa_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX contacts_user_id_uq ON contacts (tenant_id, phone_number_id, user_id) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX contacts_tenant_page_idx ON contacts (tenant_id, id)`);
    await q.query(`CREATE INDEX contacts_window_idx ON contacts (tenant_id, window_open_until)`);
    await q.query(`CREATE INDEX contacts_tags_idx ON contacts USING gin (tags)`);
    await q.query(`CREATE INDEX contacts_attributes_idx ON contacts USING gin (attributes jsonb_path_ops)`);
    // Idempotency of the inbound consumer: one row per processed wamid (goes with the contact on erasure).
    await q.query(`CREATE TABLE processed_inbound (
      wamid text PRIMARY KEY,
      contact_id text NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      tenant_id text NOT NULL,
      type text NOT NULL,
      occurred_at timestamptz NOT NULL,
      processed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX processed_inbound_contact_idx ON processed_inbound (contact_id)`);
    await q.query(`CREATE TABLE opt_events (
      id bigserial PRIMARY KEY,
      contact_id text NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      tenant_id text NOT NULL,
      state text NOT NULL,
      source text NOT NULL,
      wamid text,
      at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX opt_events_contact_idx ON opt_events (contact_id, id)`);
    await q.query(`CREATE TABLE tenant_settings (
      tenant_id text PRIMARY KEY,
      opt_out_keywords text[] NOT NULL,
      opt_in_keywords text[] NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    // Events for numbers not known yet, kept until wa.number.changed.v1 names their tenant.
    await q.query(`CREATE TABLE parked_events (
      id bigserial PRIMARY KEY,
      phone_number_id text NOT NULL,
      topic text NOT NULL,
      dedupe_key text NOT NULL,
      payload jsonb NOT NULL,
      parked_at timestamptz NOT NULL,
      CONSTRAINT parked_events_dedupe UNIQUE (topic, dedupe_key)
    )`);
    await q.query(`CREATE INDEX parked_events_number_idx ON parked_events (phone_number_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['parked_events', 'tenant_settings', 'opt_events', 'processed_inbound', 'contacts', 'numbers']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
