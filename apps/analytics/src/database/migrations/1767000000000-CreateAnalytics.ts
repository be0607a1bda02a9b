import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema of ADR 0120: per-message facts (what was counted, and when) make every fold
 * idempotent; rollups are additive counters and mergeable latency sketches per tenant × number
 * × hour (days are summed from hours at query time).
 */
export class CreateAnalytics1767000000000 implements MigrationInterface {
  name = 'CreateAnalytics1767000000000';

  async up(q: QueryRunner): Promise<void> {
    // One outbound message: each milestone is written once (first writer wins) and counted when written.
    await q.query(`CREATE TABLE message_facts (
      tenant_id text NOT NULL,
      message_key text NOT NULL,
      phone_number_id text NOT NULL,
      recipient text,
      wamid text,
      accepted_at timestamptz,
      sent_at timestamptz,
      delivered_at timestamptz,
      read_at timestamptz,
      failed_at timestamptz,
      rejected_at timestamptz,
      error_class text,
      error_code integer,
      template_name text,
      template_language text,
      priced_at timestamptz,
      pricing_model text,
      pricing_category text,
      pricing_type text,
      billable boolean,
      billing_unit text,
      market text,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, message_key)
    )`);
    await q.query(`CREATE INDEX message_facts_updated_idx ON message_facts (updated_at)`);
    // Things counted once by key alone: inbound wamids, account event ids, CBP conversations billed.
    await q.query(`CREATE TABLE seen_keys (
      tenant_id text NOT NULL,
      key text NOT NULL,
      seen_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, key)
    )`);
    await q.query(`CREATE INDEX seen_keys_seen_idx ON seen_keys (seen_at)`);
    // Additive counters: metric plus up to four dimensions ('' when unused).
    await q.query(`CREATE TABLE hourly_counts (
      tenant_id text NOT NULL,
      phone_number_id text NOT NULL,
      hour timestamptz NOT NULL,
      metric text NOT NULL,
      d1 text NOT NULL DEFAULT '',
      d2 text NOT NULL DEFAULT '',
      d3 text NOT NULL DEFAULT '',
      d4 text NOT NULL DEFAULT '',
      count bigint NOT NULL,
      PRIMARY KEY (tenant_id, hour, phone_number_id, metric, d1, d2, d3, d4)
    )`);
    await q.query(`CREATE INDEX hourly_counts_metric_idx ON hourly_counts (tenant_id, metric, hour)`);
    // HDR histograms (ADR 0121), compressed base64, one per pair and hour.
    await q.query(`CREATE TABLE latency_sketches (
      tenant_id text NOT NULL,
      phone_number_id text NOT NULL,
      hour timestamptz NOT NULL,
      pair text NOT NULL CHECK (pair IN ('acceptedToSent', 'sentToDelivered', 'deliveredToRead')),
      histogram text NOT NULL,
      samples bigint NOT NULL,
      PRIMARY KEY (tenant_id, hour, phone_number_id, pair)
    )`);
    // Meta's own words for an error code, as last reported to this tenant.
    await q.query(`CREATE TABLE error_titles (
      tenant_id text NOT NULL,
      code integer NOT NULL,
      title text NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, code)
    )`);
    await q.query(`CREATE TABLE rate_cards (
      tenant_id text PRIMARY KEY,
      currency text NOT NULL,
      prices jsonb NOT NULL,
      markets jsonb NOT NULL DEFAULT '{}'::jsonb,
      updated_at timestamptz NOT NULL
    )`);
    // Number → tenant and WABA (compacted wa.number.changed.v1), to attribute account events.
    await q.query(`CREATE TABLE numbers (
      phone_number_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      waba_id text NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      revision integer NOT NULL
    )`);
    await q.query(`CREATE INDEX numbers_waba_idx ON numbers (waba_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['numbers', 'rate_cards', 'error_titles', 'latency_sketches', 'hourly_counts', 'seen_keys', 'message_facts']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
