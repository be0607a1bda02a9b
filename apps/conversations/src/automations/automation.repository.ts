import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';

export interface ConversationAutomationState {
  assignee: string | null;
  /** The contact had written to this number before (an inbound message folded earlier). */
  wroteBefore: boolean;
}

export interface Firing {
  tenantId: string;
  inboundWamid: string;
  ruleId: string;
  conversationId: string;
  actions: string[];
  replyMessageId?: string;
  skipped?: string;
  at: Date;
}

/** The SQL of rule evaluation (ADR 0133-0135), inside the fold's transaction; tenant first. */
@Injectable()
export class AutomationRepository {
  /** Read before the message moves the conversation (`last_inbound_seq` 0 = never wrote). */
  async state(q: Queryable, tenantId: string, conversationId: string): Promise<ConversationAutomationState> {
    const rows = await q.query<{ assignee: string | null; lastInboundSeq: string }[]>(
      `SELECT assignee, last_inbound_seq::text AS "lastInboundSeq" FROM conversations WHERE tenant_id = $1 AND id = $2`,
      [tenantId, conversationId],
    );
    return { assignee: rows[0]?.assignee ?? null, wroteBefore: (rows[0]?.lastInboundSeq ?? '0') !== '0' };
  }

  /** Automated replies to the contact since `since` (the budget), and the last reply of each of `ruleIds` (the cooldowns). */
  async replyHistory(q: Queryable, tenantId: string, conversationId: string, ruleIds: string[], since: Date): Promise<{ inWindow: number; lastByRule: Map<string, number> }> {
    const rows = await q.query<{ ruleId: string | null; last: Date | null; n: number }[]>(
      `SELECT NULL AS "ruleId", NULL::timestamptz AS last, count(*)::int AS n FROM automation_firings
         WHERE tenant_id = $1 AND conversation_id = $2 AND reply_message_id IS NOT NULL AND at > $3
       UNION ALL
       SELECT rule_id, max(at), 0 FROM automation_firings
         WHERE tenant_id = $1 AND conversation_id = $2 AND reply_message_id IS NOT NULL AND rule_id = ANY($4::text[])
         GROUP BY rule_id`,
      [tenantId, conversationId, since, ruleIds],
    );
    const lastByRule = new Map<string, number>();
    let inWindow = 0;
    for (const r of rows) {
      if (r.ruleId === null) inWindow = r.n;
      else if (r.last) lastByRule.set(r.ruleId, r.last.getTime());
    }
    return { inWindow, lastByRule };
  }

  /** The hand-off: assigns the conversation unless someone already holds it. */
  async assignIfFree(q: Queryable, tenantId: string, conversationId: string, assignee: string, at: Date): Promise<void> {
    await q.query(
      `UPDATE conversations SET assignee = $3, assigned_at = $4 WHERE tenant_id = $1 AND id = $2 AND assignee IS NULL`,
      [tenantId, conversationId, assignee, at],
    );
  }

  async recordFiring(q: Queryable, f: Firing): Promise<void> {
    await q.query(
      `INSERT INTO automation_firings (tenant_id, inbound_wamid, rule_id, conversation_id, actions, reply_message_id, skipped, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [f.tenantId, f.inboundWamid, f.ruleId, f.conversationId, f.actions, f.replyMessageId ?? null, f.skipped ?? null, f.at],
    );
  }
}
