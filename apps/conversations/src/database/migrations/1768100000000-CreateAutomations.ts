import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automations (ADR 0133, 0134):
 * - `automation_rules`: a tenant's ordered rules per number (`position`), trigger and actions as
 *   validated JSON (the API's shapes).
 * - `automation_firings`: one row per rule fired for an inbound message, unique (tenant, inbound
 *   wamid, rule): the record of what automations did, and what the cooldown and the reply budget
 *   count (`reply_message_id` set when the rule replied).
 */
export class CreateAutomations1768100000000 implements MigrationInterface {
  name = 'CreateAutomations1768100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE automation_rules (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      phone_number_id text NOT NULL,
      position integer NOT NULL,
      name text NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      continue_after boolean NOT NULL DEFAULT false,
      cooldown_seconds integer NOT NULL,
      trigger jsonb NOT NULL,
      actions jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX automation_rules_number_idx ON automation_rules (tenant_id, phone_number_id, position, id)');

    await q.query(`CREATE TABLE automation_firings (
      tenant_id text NOT NULL,
      inbound_wamid text NOT NULL,
      rule_id text NOT NULL,
      conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
      actions text[] NOT NULL,
      reply_message_id text,
      skipped text,
      at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, inbound_wamid, rule_id)
    )`);
    await q.query('CREATE INDEX automation_firings_conversation_idx ON automation_firings (conversation_id, at)');
    await q.query('CREATE INDEX automation_firings_tenant_at_idx ON automation_firings (tenant_id, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE automation_firings');
    await q.query('DROP TABLE automation_rules');
  }
}
