import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-tenant API request log (ADR 0180): one row per tenant API call, written in batches
 * off the request path, pruned after REQUEST_LOG_RETENTION_DAYS. Ids are ULIDs, so the
 * primary key orders by time and bounds the prune; reads go through (tenant_id, id).
 */
export class RequestLogs1765400000179 implements MigrationInterface {
  name = 'RequestLogs1765400000179';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_logs (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        at timestamptz NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        status smallint NOT NULL,
        latency_ms integer NOT NULL,
        idempotency_key text,
        error_code text,
        request_body jsonb,
        response_body jsonb
      )`);
    await q.query('CREATE INDEX request_logs_tenant_idx ON request_logs (tenant_id, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE request_logs');
  }
}
