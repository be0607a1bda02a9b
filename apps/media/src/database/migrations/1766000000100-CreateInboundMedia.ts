import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fetch state of inbound media (ADR 0103): one row per tenant and Meta media id from the
 * first time the message is seen. `media` keeps only stored objects; this table says why an id
 * has no object yet (pending, with its next attempt) or never will (failed, with the reason).
 */
export class CreateInboundMedia1766000000100 implements MigrationInterface {
  name = 'CreateInboundMedia1766000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE inbound_media (
      tenant_id text NOT NULL,
      meta_media_id text NOT NULL,
      id text NOT NULL,
      phone_number_id text NOT NULL,
      wamid text NOT NULL,
      message_type text NOT NULL,
      filename text,
      status text NOT NULL CHECK (status IN ('pending', 'stored', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      failure_reason text,
      announced boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, meta_media_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX inbound_media_id_uq ON inbound_media (tenant_id, id)`);
    // The sweeper's two queues: due retries, and outcomes whose event is not out yet.
    await q.query(`CREATE INDEX inbound_media_due_idx ON inbound_media (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX inbound_media_unannounced_idx ON inbound_media (updated_at) WHERE status <> 'pending' AND NOT announced`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbound_media');
  }
}
