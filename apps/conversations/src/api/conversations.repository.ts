import { Injectable } from '@nestjs/common';
import { returnedRows } from '@wabridge/database';
import { DataSource } from 'typeorm';
import type { ConversationFilter } from './conversations.dto';
import type { Position } from './cursor';

export interface ConversationRow {
  id: string;
  phoneNumberId: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  assignee: string | null;
  unread: number;
}

export interface MessageRow {
  seq: string;
  direction: 'inbound' | 'outbound';
  messageId: string | null;
  wamid: string | null;
  type: string;
  content: Record<string, unknown> | null;
  status: string | null;
  error: unknown;
  at: Date;
  editedAt: Date | null;
  revokedAt: Date | null;
}

const DAY_MS = 86_400_000;

/** Edits and revokes are applied to their original (ADR 0130): neither listed nor counted. */
const SHOWN = `m.type IS NOT NULL AND m.type NOT IN ('edit', 'revoke')`;

const CONVERSATION_COLUMNS = `c.id, c.phone_number_id AS "phoneNumberId", c.wa_id AS "waId", c.user_id AS "userId", c.profile_name AS "profileName",
  c.last_message_at AS "lastMessageAt", c.last_inbound_at AS "lastInboundAt", c.assignee,
  (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.seq > c.read_through_seq AND ${SHOWN})::int AS unread`;

/** The reads and agent actions of the API; every statement takes the tenant first. */
@Injectable()
export class ConversationsRepository {
  constructor(private readonly ds: DataSource) {}

  /** Most recent first; `before` is the position of the last row of the previous page. */
  async list(tenantId: string, f: { phoneNumberId?: string; waId?: string; userId?: string; status?: ConversationFilter; before?: Position; limit: number; now: number }): Promise<ConversationRow[]> {
    const where = ['c.tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const param = (v: unknown): string => `$${params.push(v)}`;
    if (f.phoneNumberId) where.push(`c.phone_number_id = ${param(f.phoneNumberId)}`);
    if (f.waId) where.push(`c.wa_id = ${param(f.waId)}`);
    if (f.userId) where.push(`c.user_id = ${param(f.userId)}`);
    if (f.status === 'open') where.push(`c.last_inbound_at > ${param(new Date(f.now - DAY_MS))}`);
    if (f.status === 'unread') where.push('c.last_inbound_seq > c.read_through_seq');
    if (f.status === 'assigned') where.push('c.assignee IS NOT NULL');
    if (f.before) where.push(`(c.last_message_at, c.id) < (${param(f.before.at)}::timestamptz, ${param(f.before.key)}::text)`);
    return this.ds.query<ConversationRow[]>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE ${where.join(' AND ')}
       ORDER BY c.last_message_at DESC, c.id DESC LIMIT ${param(f.limit)}`,
      params,
    );
  }

  async get(tenantId: string, id: string): Promise<(ConversationRow & { lastInboundWamid: string | null }) | undefined> {
    const rows = await this.ds.query<(ConversationRow & { lastInboundWamid: string | null })[]>(
      `SELECT ${CONVERSATION_COLUMNS},
         (SELECT m.wamid FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND ${SHOWN} ORDER BY m.seq DESC LIMIT 1) AS "lastInboundWamid"
       FROM conversations c WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /** Oldest first (the message's own time, ties by arrival); `after` is the last row of the previous page. */
  async messages(tenantId: string, conversationId: string, after: Position | undefined, limit: number): Promise<MessageRow[]> {
    return this.ds.query<MessageRow[]>(
      `SELECT m.seq::text AS seq, m.direction, m.message_id AS "messageId", m.wamid, m.type, m.content, m.status, m.error, m.at,
         m.edited_at AS "editedAt", m.revoked_at AS "revokedAt"
       FROM messages m
       WHERE m.tenant_id = $1 AND m.conversation_id = $2 AND ${SHOWN}
         AND ($3::timestamptz IS NULL OR (m.at, m.seq) > ($3::timestamptz, $4::bigint))
       ORDER BY m.at, m.seq LIMIT $5`,
      [tenantId, conversationId, after?.at ?? null, after?.key ?? '0', limit],
    );
  }

  /**
   * Marks the conversation read through one inbound message (by arrival), or everything received
   * so far. Answers false when the conversation (or that message in it) is not the tenant's.
   */
  async markRead(tenantId: string, id: string, throughWamid: string | undefined, at: Date): Promise<boolean> {
    let through: string | null = null;
    if (throughWamid !== undefined) {
      const rows = await this.ds.query<{ seq: string }[]>(
        `SELECT seq::text AS seq FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND wamid = $3 AND direction = 'inbound'`,
        [tenantId, id, throughWamid],
      );
      if (!rows[0]) return false;
      through = rows[0].seq;
    }
    const updated = returnedRows<{ id: string }>(await this.ds.query(
      `UPDATE conversations SET read_through_seq = GREATEST(read_through_seq, COALESCE($3::bigint, last_inbound_seq)), read_at = $4
       WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id, through, at],
    ));
    return updated.length > 0;
  }

  async assign(tenantId: string, id: string, assignee: string | null, at: Date): Promise<boolean> {
    const updated = returnedRows<{ id: string }>(await this.ds.query(
      `UPDATE conversations SET assignee = $3, assigned_at = CASE WHEN $3::text IS NULL THEN NULL ELSE $4::timestamptz END
       WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id, assignee, at],
    ));
    return updated.length > 0;
  }
}
