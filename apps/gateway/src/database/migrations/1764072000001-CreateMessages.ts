import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accepted outbound messages and their lifecycle projection. `(tenant_id, idempotency_key)`
 * is unique: it is what makes a repeated request answer the same message.
 */
export class CreateMessages1764072000001 implements MigrationInterface {
  name = 'CreateMessages1764072000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE messages (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        phone_number_id text NOT NULL,
        recipient text NOT NULL,
        "to" text,
        recipient_user_id text,
        type text NOT NULL,
        status text NOT NULL,
        status_rank integer NOT NULL,
        wamid text,
        error jsonb,
        history jsonb NOT NULL,
        idempotency_key text,
        request_hash text NOT NULL,
        source text NOT NULL,
        metadata jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX messages_idempotency_uq ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX messages_tenant_id_idx ON messages (tenant_id, id DESC)`);
    await q.query(`CREATE INDEX messages_wamid_idx ON messages (wamid) WHERE wamid IS NOT NULL`);
    // Statuses that arrive before we learned their wamid (the dispatcher's `sent` event is on
    // another topic): kept and applied when the wamid becomes known.
    await q.query(`
      CREATE TABLE unmatched_statuses (
        wamid text NOT NULL,
        status text NOT NULL,
        phone_number_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        error jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (wamid, status)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE unmatched_statuses');
    await q.query('DROP TABLE messages');
  }
}
