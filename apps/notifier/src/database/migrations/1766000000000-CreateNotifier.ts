import { MigrationInterface, QueryRunner } from 'typeorm';

/** Endpoints, public events, deliveries, and the phone number → tenant map (ADR 0080). */
export class CreateNotifier1766000000000 implements MigrationInterface {
  name = 'CreateNotifier1766000000000';

  async up(q: QueryRunner): Promise<void> {
    // phone_number_id → tenant (and WABA), learned from wa.number.changed.v1
    await q.query(`CREATE TABLE numbers (
      phone_number_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      waba_id text NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      revision integer NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX numbers_waba_idx ON numbers (waba_id)`);
    // source events whose tenant is not known yet (their number was not announced yet)
    await q.query(`CREATE TABLE parked_events (
      id bigserial PRIMARY KEY,
      phone_number_id text,
      waba_id text,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      parked_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX parked_events_number_idx ON parked_events (phone_number_id)`);
    await q.query(`CREATE INDEX parked_events_waba_idx ON parked_events (waba_id)`);
    await q.query(`CREATE TABLE endpoints (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      url text NOT NULL,
      fallback_url text,
      events text[],
      phone_number_ids text[],
      description text,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      secret jsonb NOT NULL,
      previous_secret jsonb,
      previous_secret_until timestamptz,
      failing_since timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX endpoints_tenant_idx ON endpoints (tenant_id, id)`);
    // one row per public event and tenant; the id is deterministic from the source (redelivery = same id)
    await q.query(`CREATE TABLE events (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      type text NOT NULL,
      phone_number_id text,
      conversation_key text NOT NULL,
      body jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX events_tenant_time_idx ON events (tenant_id, occurred_at)`);
    await q.query(`CREATE INDEX events_created_idx ON events (created_at)`);
    await q.query(`CREATE TABLE deliveries (
      id bigserial PRIMARY KEY,
      endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
      tenant_id text NOT NULL,
      event_id text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      origin text NOT NULL CHECK (origin IN ('live', 'replay', 'test', 'notice')),
      conversation_key text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
      target text NOT NULL DEFAULT 'primary' CHECK (target IN ('primary', 'fallback')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      locked_until timestamptz,
      last_status_code integer,
      last_latency_ms integer,
      last_error text,
      last_attempt_at timestamptz,
      created_at timestamptz NOT NULL,
      finished_at timestamptz
    )`);
    // a live delivery exists once per endpoint and event (the consumer's idempotency)
    await q.query(`CREATE UNIQUE INDEX deliveries_live_uq ON deliveries (endpoint_id, event_id) WHERE origin = 'live'`);
    // the worker: due pending deliveries, and the order check per conversation
    await q.query(`CREATE INDEX deliveries_pending_idx ON deliveries (endpoint_id, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deliveries_conversation_idx ON deliveries (endpoint_id, conversation_key, id) WHERE status = 'pending'`);
    // the delivery log, newest first
    await q.query(`CREATE INDEX deliveries_log_idx ON deliveries (endpoint_id, id DESC)`);
    await q.query(`CREATE INDEX deliveries_event_idx ON deliveries (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['deliveries', 'events', 'endpoints', 'parked_events', 'numbers']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
