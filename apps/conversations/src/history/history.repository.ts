import { Injectable } from '@nestjs/common';
import { returnedRows, type Queryable } from '@wabridge/database';
import { ulid } from 'ulid';
import { FINAL_RANK } from './history-status';

/** One contact of a tenant's number: wa_id where known, the business-scoped user id otherwise. */
export interface ContactRef {
  tenantId: string;
  phoneNumberId: string;
  waId?: string;
  userId?: string;
  profileName?: string;
}

export interface InboundRow {
  tenantId: string;
  conversationId: string;
  wamid: string;
  type: string;
  content: Record<string, unknown> | null;
  targetWamid?: string;
  at: string;
  receivedAt: Date;
}

export interface OutboundStep {
  tenantId: string;
  conversationId: string;
  messageId: string;
  wamid?: string;
  status: string;
  rank: number;
  error?: unknown;
  at: string;
  receivedAt: Date;
}

/**
 * The SQL that folds events into the history (ADR 0130). Every statement takes the tenant first;
 * uniqueness (wamid, our message id) makes each write idempotent.
 */
@Injectable()
export class HistoryRepository {
  /**
   * The contact's conversation on that number, created on first sight. Found by its key (wa_id,
   * else the BSUID) or by either id, so a user first seen by BSUID and later with a phone stays in one
   * conversation; missing ids and a newer profile name are filled in.
   */
  async conversation(q: Queryable, c: ContactRef, at: string, now: Date): Promise<string> {
    const key = c.waId ?? c.userId;
    if (!key) throw new Error('a contact needs a wa_id or a user id');
    const found = await q.query<{ id: string; waId: string | null; userId: string | null; profileName: string | null }[]>(
      `SELECT id, wa_id AS "waId", user_id AS "userId", profile_name AS "profileName" FROM conversations
       WHERE tenant_id = $1 AND phone_number_id = $2 AND (contact_key = $3 OR wa_id = $4 OR user_id = $5)
       ORDER BY (contact_key = $3) DESC LIMIT 1`,
      [c.tenantId, c.phoneNumberId, key, c.waId ?? null, c.userId ?? null],
    );
    const row = found[0];
    if (row) {
      const fill = (!row.waId && c.waId) || (!row.userId && c.userId) || (c.profileName && c.profileName !== row.profileName);
      if (fill) {
        await q.query(
          `UPDATE conversations SET wa_id = COALESCE(wa_id, $3), user_id = COALESCE(user_id, $4), profile_name = COALESCE($5, profile_name)
           WHERE tenant_id = $1 AND id = $2`,
          [c.tenantId, row.id, c.waId ?? null, c.userId ?? null, c.profileName ?? null],
        );
      }
      return row.id;
    }
    const rows = await q.query<{ id: string }[]>(
      `INSERT INTO conversations (id, tenant_id, phone_number_id, contact_key, wa_id, user_id, profile_name, last_message_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, phone_number_id, contact_key) DO UPDATE SET profile_name = COALESCE(EXCLUDED.profile_name, conversations.profile_name)
       RETURNING id`,
      [ulid(), c.tenantId, c.phoneNumberId, key, c.waId ?? null, c.userId ?? null, c.profileName ?? null, at, now],
    );
    return rows[0]!.id;
  }

  /** Inserts an inbound message once (by wamid); answers its arrival sequence, or null for a redelivery. */
  async insertInbound(q: Queryable, r: InboundRow): Promise<string | null> {
    const rows = await q.query<{ seq: string }[]>(
      `INSERT INTO messages (tenant_id, conversation_id, direction, wamid, type, content, target_wamid, at, created_at)
       VALUES ($1, $2, 'inbound', $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, wamid) DO NOTHING
       RETURNING seq`,
      [r.tenantId, r.conversationId, r.wamid, r.type, r.content === null ? null : JSON.stringify(r.content), r.targetWamid ?? null, r.at, r.receivedAt],
    );
    return rows[0]?.seq ?? null;
  }

  /** A user message moved the conversation: last message, last inbound (the service window) and the unread marker. */
  async touchInbound(q: Queryable, tenantId: string, conversationId: string, at: string, seq: string): Promise<void> {
    await q.query(
      `UPDATE conversations SET last_message_at = GREATEST(last_message_at, $3), last_inbound_at = GREATEST(last_inbound_at, $3),
         last_inbound_seq = GREATEST(last_inbound_seq, $4::bigint)
       WHERE tenant_id = $1 AND id = $2`,
      [tenantId, conversationId, at, seq],
    );
  }

  async touch(q: Queryable, tenantId: string, conversationId: string, at: string): Promise<void> {
    await q.query(`UPDATE conversations SET last_message_at = GREATEST(last_message_at, $3) WHERE tenant_id = $1 AND id = $2`, [tenantId, conversationId, at]);
  }

  /**
   * Applies the edits and revokes of `wamid` to it, whichever arrived first (so a late original
   * is amended on arrival): a revoke empties the content of the message and of its edits; else the
   * latest edit (by its own time, then arrival) is merged into the content one level deep: the new
   * caption or body replaces the old, while our `mediaId` of the stored bytes and the original's
   * reply context stay (Meta lets a user edit text and captions, not the media itself). Recomputed from the rows each time, so redeliveries change nothing.
   */
  async applyAmendments(q: Queryable, tenantId: string, wamid: string): Promise<void> {
    const revoked = await q.query<{ at: Date | null }[]>(
      `SELECT min(at) AS at FROM messages WHERE tenant_id = $1 AND target_wamid = $2 AND type = 'revoke'`,
      [tenantId, wamid],
    );
    const revokedAt = revoked[0]?.at ?? null;
    if (revokedAt) {
      await q.query(
        `UPDATE messages SET content = NULL WHERE tenant_id = $1 AND target_wamid = $2 AND type = 'edit' AND content IS NOT NULL`,
        [tenantId, wamid],
      );
      await q.query(
        `UPDATE messages SET content = NULL, revoked_at = $3 WHERE tenant_id = $1 AND wamid = $2 AND type NOT IN ('edit', 'revoke')`,
        [tenantId, wamid, revokedAt],
      );
      return;
    }
    await q.query(
      `UPDATE messages o SET content = COALESCE(o.content, '{}'::jsonb) || (
         SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(o.content -> k) = 'object' AND jsonb_typeof(v) = 'object' THEN (o.content -> k) || v ELSE v END)
         FROM jsonb_each(e.content) AS x(k, v)), edited_at = e.at
       FROM (SELECT content, at FROM messages WHERE tenant_id = $1 AND target_wamid = $2 AND type = 'edit' AND content IS NOT NULL
             ORDER BY at DESC, seq DESC LIMIT 1) e
       WHERE o.tenant_id = $1 AND o.wamid = $2 AND o.type NOT IN ('edit', 'revoke') AND o.edited_at IS DISTINCT FROM e.at`,
      [tenantId, wamid],
    );
  }

  /**
   * What the business sent (`wa.outbound.requested.v1`): type, content and the message's own
   * time. The row may exist already from a lifecycle event that arrived first.
   */
  async upsertRequested(q: Queryable, r: { tenantId: string; conversationId: string; messageId: string; type: string; content: unknown; at: string; receivedAt: Date }): Promise<void> {
    await q.query(
      `INSERT INTO messages (tenant_id, conversation_id, direction, message_id, type, content, status, status_rank, at, created_at)
       VALUES ($1, $2, 'outbound', $3, $4, $5, 'accepted', 0, $6, $7)
       ON CONFLICT (tenant_id, message_id) DO UPDATE SET type = EXCLUDED.type, content = EXCLUDED.content, at = EXCLUDED.at
       WHERE messages.type IS DISTINCT FROM EXCLUDED.type OR messages.content IS DISTINCT FROM EXCLUDED.content OR messages.at <> EXCLUDED.at`,
      [r.tenantId, r.conversationId, r.messageId, r.type, JSON.stringify(r.content), r.at, r.receivedAt],
    );
  }

  /**
   * A status step of an outbound message (by our id): forward only, final statuses stay (see
   * history-status.ts). A step before the request leaves a row without content (not listed until
   * the request arrives), timed by the step.
   */
  async upsertStep(q: Queryable, s: OutboundStep): Promise<void> {
    await q.query(
      `INSERT INTO messages (tenant_id, conversation_id, direction, message_id, wamid, status, status_rank, error, at, created_at)
       VALUES ($1, $2, 'outbound', $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, message_id) DO UPDATE SET
         wamid = COALESCE(messages.wamid, EXCLUDED.wamid),
         status = CASE WHEN messages.status_rank >= ${FINAL_RANK} OR EXCLUDED.status_rank <= messages.status_rank THEN messages.status ELSE EXCLUDED.status END,
         error = CASE WHEN messages.status_rank >= ${FINAL_RANK} OR EXCLUDED.status_rank <= messages.status_rank THEN messages.error ELSE EXCLUDED.error END,
         status_rank = CASE WHEN messages.status_rank >= ${FINAL_RANK} THEN messages.status_rank ELSE GREATEST(messages.status_rank, EXCLUDED.status_rank) END`,
      [s.tenantId, s.conversationId, s.messageId, s.wamid ?? null, s.status, s.rank, s.error === undefined ? null : JSON.stringify(s.error), s.at, s.receivedAt],
    );
  }

  /** A status for a wamid without our id: applied to the message of that wamid if we have it; answers whether we did. */
  async stepByWamid(q: Queryable, tenantId: string, wamid: string, status: string, rank: number): Promise<boolean> {
    const rows = returnedRows<{ seq: string }>(await q.query(
      `UPDATE messages SET status = CASE WHEN status_rank >= ${FINAL_RANK} OR $4 <= status_rank THEN status ELSE $3 END,
         status_rank = CASE WHEN status_rank >= ${FINAL_RANK} THEN status_rank ELSE GREATEST(status_rank, $4) END
       WHERE tenant_id = $1 AND wamid = $2 AND direction = 'outbound'
       RETURNING seq`,
      [tenantId, wamid, status, rank],
    ));
    return rows.length > 0;
  }
}
