import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The conversation history (ADR 0130):
 * - `conversations`: one per tenant × number × contact (`contact_key` = wa_id, else the BSUID),
 *   with the read marker (`read_through_seq`, an arrival sequence) and the assignee.
 * - `messages`: both directions. `seq` is the arrival order (ties of `at`, the message's own
 *   time, and the unread count); inbound rows are unique by wamid, outbound rows by our message
 *   id (and their wamid once known), so redeliveries and replays change nothing.
 *   Edits, revokes and reactions are rows too (`target_wamid`); edits and revokes are applied
 *   to their original and hidden from listings.
 * - `tenant_settings`: a tenant's own retention (null = CONVERSATIONS_RETENTION_DAYS).
 */
export class CreateConversations1768000000000 implements MigrationInterface {
  name = 'CreateConversations1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE conversations (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      phone_number_id text NOT NULL,
      contact_key text NOT NULL,
      wa_id text,
      user_id text,
      profile_name text,
      last_message_at timestamptz NOT NULL,
      last_inbound_at timestamptz,
      last_inbound_seq bigint NOT NULL DEFAULT 0,
      read_through_seq bigint NOT NULL DEFAULT 0,
      read_at timestamptz,
      assignee text,
      assigned_at timestamptz,
      created_at timestamptz NOT NULL,
      CONSTRAINT conversations_contact_uq UNIQUE (tenant_id, phone_number_id, contact_key)
    )`);
    await q.query('CREATE INDEX conversations_recent_idx ON conversations (tenant_id, last_message_at DESC, id DESC)');
    await q.query('CREATE INDEX conversations_number_recent_idx ON conversations (tenant_id, phone_number_id, last_message_at DESC, id DESC)');
    await q.query('CREATE INDEX conversations_wa_id_idx ON conversations (tenant_id, phone_number_id, wa_id) WHERE wa_id IS NOT NULL');
    await q.query('CREATE INDEX conversations_user_id_idx ON conversations (tenant_id, phone_number_id, user_id) WHERE user_id IS NOT NULL');

    await q.query(`CREATE TABLE messages (
      seq bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      message_id text,
      wamid text,
      type text,
      content jsonb,
      target_wamid text,
      status text,
      status_rank smallint NOT NULL DEFAULT -1,
      error jsonb,
      at timestamptz NOT NULL,
      edited_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL,
      CONSTRAINT messages_message_id_uq UNIQUE (tenant_id, message_id),
      CONSTRAINT messages_wamid_uq UNIQUE (tenant_id, wamid)
    )`);
    await q.query('CREATE INDEX messages_history_idx ON messages (conversation_id, at, seq)');
    await q.query(`CREATE INDEX messages_inbound_seq_idx ON messages (conversation_id, seq) WHERE direction = 'inbound'`);
    await q.query('CREATE INDEX messages_target_idx ON messages (tenant_id, target_wamid) WHERE target_wamid IS NOT NULL');
    await q.query('CREATE INDEX messages_tenant_at_idx ON messages (tenant_id, at)');

    await q.query(`CREATE TABLE tenant_settings (
      tenant_id text PRIMARY KEY,
      retention_days integer CHECK (retention_days BETWEEN 1 AND 3650),
      updated_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_settings');
    await q.query('DROP TABLE messages');
    await q.query('DROP TABLE conversations');
  }
}
