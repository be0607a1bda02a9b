import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may send a conversation's deliveries to an endpoint right now (ADR 0097): one row per
 * (endpoint, conversation) while an instance holds it, until `until` (then another may take it
 * over). The consumer's insert (fast path) and the worker's claim both take it with
 * INSERT … ON CONFLICT, so two concurrent writers can never both hold one conversation.
 */
export class CreateConversationLeases1766000000200 implements MigrationInterface {
  name = 'CreateConversationLeases1766000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE conversation_leases (
      endpoint_id text NOT NULL,
      conversation_key text NOT NULL,
      owner text NOT NULL,
      token text NOT NULL,
      until timestamptz NOT NULL,
      PRIMARY KEY (endpoint_id, conversation_key)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS conversation_leases`);
  }
}
