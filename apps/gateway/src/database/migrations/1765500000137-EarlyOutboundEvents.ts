import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lifecycle events that reach the projection before the command that makes their message's row
 * (an internal producer's command and the dispatcher's first event travel on different topics):
 * parked here and applied when the row is made; pruned like unmatched statuses.
 */
export class EarlyOutboundEvents1765500000137 implements MigrationInterface {
  name = 'EarlyOutboundEvents1765500000137';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE early_outbound_events (
        seq bigserial PRIMARY KEY,
        message_id text NOT NULL,
        tenant_id text NOT NULL,
        phone_number_id text NOT NULL,
        recipient text NOT NULL,
        event jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX early_outbound_events_message_idx ON early_outbound_events (message_id)');
    await q.query('CREATE INDEX early_outbound_events_received_idx ON early_outbound_events (received_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE early_outbound_events');
  }
}
