import { Injectable } from '@nestjs/common';
import { returnedRows } from '@wabridge/database';
import { DataSource, EntityManager } from 'typeorm';
import type { SegmentFilter } from '../segments/segment-filter';
import { CampaignStatus } from './campaign-state';

export interface Audience {
  tags?: string[];
  contactIds?: string[];
  waIds?: string[];
  /** A segment's filter, copied when the campaign was created (its id kept for the record). */
  segment?: { id: string; filter: SegmentFilter };
}

export interface CampaignTemplate {
  name: string;
  language: { code: string };
  components?: unknown[];
}

export interface CampaignRow {
  id: string;
  tenant_id: string;
  name: string;
  phone_number_id: string;
  template: CampaignTemplate;
  audience: Audience;
  status: CampaignStatus;
  start_at: Date | null;
  end_at: Date | null;
  expansion_cursor: string | null;
  expansion_step: number;
  /** The uploaded CSV's columns and row count (ADR 0156), null without one. */
  parameters: { columns: string[]; rows: number; uploadedAt: string } | null;
  expanded: boolean;
  total: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export type RecipientStatus = 'pending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped';

export interface NewRecipient {
  recipient: string;
  contactId?: string;
  messageId: string;
  parameters?: unknown[];
  status: 'pending' | 'skipped';
  reason?: string;
}

export interface PendingRecipient {
  campaign_id: string;
  recipient: string;
  message_id: string;
  parameters: unknown[] | null;
}

export interface StatusCount {
  status: RecipientStatus;
  n: number;
  marketing_limited: number;
}

/** SQL of campaigns and their recipients; tenant-owned queries take tenantId first (STYLE 15). */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(c: { id: string; tenantId: string; name: string; phoneNumberId: string; template: CampaignTemplate; audience: Audience; startAt?: string; endAt?: string; now: Date }): Promise<CampaignRow> {
    const rows = await this.db.query<CampaignRow[]>(
      `INSERT INTO campaigns (id, tenant_id, name, phone_number_id, template, audience, status, start_at, end_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $9) RETURNING *`,
      [c.id, c.tenantId, c.name, c.phoneNumberId, JSON.stringify(c.template), JSON.stringify(c.audience), c.startAt ?? null, c.endAt ?? null, c.now],
    );
    return rows[0]!;
  }

  /** The campaign's uploaded CSV rows of these recipients (ADR 0156). */
  async parametersOf(campaignId: string, recipients: string[]): Promise<Map<string, Record<string, string>>> {
    if (recipients.length === 0) return new Map();
    const rows = await this.db.query<{ recipient: string; values: Record<string, string> }[]>(
      'SELECT recipient, "values" FROM campaign_parameters WHERE campaign_id = $1 AND recipient = ANY($2::text[])', [campaignId, recipients],
    );
    return new Map(rows.map((r) => [r.recipient, r.values]));
  }

  /** Runs an upload of parameters in one transaction, the campaign row locked (FOR UPDATE). */
  async withLockedCampaign<T>(tenantId: string, id: string, fn: (m: EntityManager, row: CampaignRow | null) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      const [row] = await m.query<CampaignRow[]>('SELECT * FROM campaigns WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
      return fn(m, row ?? null);
    });
  }

  async clearParameters(m: EntityManager, campaignId: string): Promise<void> {
    await m.query('DELETE FROM campaign_parameters WHERE campaign_id = $1', [campaignId]);
  }

  /** Upserts a batch (a later row of the same recipient wins). */
  async putParameters(m: EntityManager, campaignId: string, rows: { recipient: string; values: Record<string, string> }[]): Promise<void> {
    if (rows.length === 0) return;
    const unique = [...new Map(rows.map((r) => [r.recipient, r])).values()];
    await m.query(
      `INSERT INTO campaign_parameters (campaign_id, recipient, "values")
       SELECT $1, v.recipient, v.values FROM jsonb_to_recordset($2::jsonb) AS v(recipient text, "values" jsonb)
       ON CONFLICT (campaign_id, recipient) DO UPDATE SET "values" = EXCLUDED."values"`,
      [campaignId, JSON.stringify(unique)],
    );
  }

  async setParametersSummary(m: EntityManager, campaignId: string, summary: { columns: string[]; rows: number; uploadedAt: string }): Promise<void> {
    await m.query('UPDATE campaigns SET parameters = $2 WHERE id = $1', [campaignId, JSON.stringify(summary)]);
  }

  async get(tenantId: string, id: string): Promise<CampaignRow | null> {
    const rows = await this.db.query<CampaignRow[]>('SELECT * FROM campaigns WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ?? null;
  }

  async list(tenantId: string, opts: { status?: string; cursor?: string; limit: number }): Promise<CampaignRow[]> {
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = $1';
    if (opts.status) { params.push(opts.status); where += ` AND status = $${params.length}`; }
    if (opts.cursor) { params.push(opts.cursor); where += ` AND id < $${params.length}`; }
    params.push(opts.limit);
    return this.db.query(`SELECT * FROM campaigns WHERE ${where} ORDER BY id DESC LIMIT $${params.length}`, params);
  }

  /** Moves the campaign from `from` to `to`; false when it was no longer in `from` (a concurrent change). */
  async transition(tenantId: string, id: string, from: CampaignStatus, to: CampaignStatus, now: Date): Promise<boolean> {
    const rows = returnedRows<{ id: string }>(await this.db.query(
      `UPDATE campaigns SET status = $4, updated_at = $5,
         started_at = CASE WHEN $4 = 'running' THEN COALESCE(started_at, $5) ELSE started_at END,
         finished_at = CASE WHEN $4 IN ('completed', 'cancelled') THEN $5 ELSE finished_at END
       WHERE tenant_id = $1 AND id = $2 AND status = $3 RETURNING id`,
      [tenantId, id, from, to, now],
    ));
    return rows.length > 0;
  }

  async counts(tenantId: string, id: string): Promise<StatusCount[]> {
    return this.db.query(
      `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE error_code = 131049)::int AS marketing_limited
         FROM campaign_recipients WHERE tenant_id = $1 AND campaign_id = $2 GROUP BY status`,
      [tenantId, id],
    );
  }

  async recipients(tenantId: string, id: string, opts: { status?: string; afterSeq?: string; limit: number }): Promise<{ seq: string; recipient: string; contact_id: string | null; message_id: string; status: RecipientStatus; reason: string | null; error_code: number | null; queued_at: Date | null }[]> {
    const params: unknown[] = [tenantId, id];
    let where = 'tenant_id = $1 AND campaign_id = $2';
    if (opts.status) { params.push(opts.status); where += ` AND status = $${params.length}`; }
    if (opts.afterSeq) { params.push(opts.afterSeq); where += ` AND seq > $${params.length}`; }
    params.push(opts.limit);
    return this.db.query(
      `SELECT seq::text, recipient, contact_id, message_id, status, reason, error_code, queued_at FROM campaign_recipients WHERE ${where} ORDER BY seq LIMIT $${params.length}`,
      params,
    );
  }

  // ---- the runner (ADR 0153) ----

  /** Campaigns the runner works on: scheduled (waiting to start) and running. */
  async active(): Promise<CampaignRow[]> {
    return this.db.query(`SELECT * FROM campaigns WHERE status IN ('scheduled', 'running') ORDER BY started_at NULLS LAST, id`);
  }

  /** Statuses of the given campaigns now (the runner re-reads them right before producing: pause takes effect at once). */
  async statusesOf(ids: string[]): Promise<Map<string, CampaignStatus>> {
    const rows = await this.db.query<{ id: string; status: CampaignStatus }[]>('SELECT id, status FROM campaigns WHERE id = ANY($1)', [ids]);
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * One expanded page: its recipients (a recipient already in the campaign is kept as it is:
   * the key is what makes each get at most one message) and the cursor of the next page, in
   * one transaction, so a restart continues after the last page stored.
   */
  async addPage(c: CampaignRow, recipients: NewRecipient[], next: { step: number; cursor: string | null; expanded: boolean }, now: Date): Promise<number> {
    return this.db.transaction(async (m) => {
      let added = 0;
      if (recipients.length > 0) {
        const inserted = returnedRows<{ recipient: string }>(await m.query(
          `INSERT INTO campaign_recipients (campaign_id, recipient, tenant_id, phone_number_id, contact_id, message_id, parameters, status, status_rank, reason)
           SELECT $1, r.recipient, $2, $3, r.contact_id, r.message_id, r.parameters, r.status, CASE WHEN r.status = 'skipped' THEN 9 ELSE 0 END, r.reason
             FROM jsonb_to_recordset($4::jsonb) AS r(recipient text, contact_id text, message_id text, parameters jsonb, status text, reason text)
           ON CONFLICT (campaign_id, recipient) DO NOTHING RETURNING recipient`,
          [c.id, c.tenant_id, c.phone_number_id, JSON.stringify(recipients.map((r) => ({
            recipient: r.recipient, contact_id: r.contactId ?? null, message_id: r.messageId, parameters: r.parameters ?? null, status: r.status, reason: r.reason ?? null,
          })))],
        ));
        added = inserted.length;
      }
      await m.query(
        `UPDATE campaigns SET expansion_step = $2, expansion_cursor = $3, expanded = $4, total = total + $5, updated_at = $6 WHERE id = $1`,
        [c.id, next.step, next.cursor, next.expanded, added, now],
      );
      return added;
    });
  }

  /** The next `limit` pending recipients of the given campaigns, campaign by campaign (their order), then by expansion order. */
  async nextPending(campaignIds: string[], limit: number): Promise<PendingRecipient[]> {
    const out: PendingRecipient[] = [];
    for (const id of campaignIds) {
      if (out.length >= limit) break;
      const rows = await this.db.query<PendingRecipient[]>(
        `SELECT campaign_id, recipient, message_id, parameters FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending' ORDER BY seq LIMIT $2`,
        [id, limit - out.length],
      );
      out.push(...rows);
    }
    return out;
  }

  /** The planned recipients are on the dispatcher's topic. */
  async markQueued(recipients: PendingRecipient[], now: Date): Promise<void> {
    if (recipients.length === 0) return;
    await this.db.query(
      // an event of the dispatcher may have moved it on already: keep that status, record the plan
      `UPDATE campaign_recipients c SET status = CASE WHEN c.status = 'pending' THEN 'queued' ELSE c.status END,
              status_rank = GREATEST(c.status_rank, 1), queued_at = COALESCE(c.queued_at, $3), updated_at = $3
         FROM unnest($1::text[], $2::text[]) AS r(campaign_id, recipient)
        WHERE c.campaign_id = r.campaign_id AND c.recipient = r.recipient`,
      [recipients.map((r) => r.campaign_id), recipients.map((r) => r.recipient), now],
    );
  }

  /** Recipients of these campaigns given to the dispatcher and not sent or ended yet. */
  async inFlight(campaignIds: string[]): Promise<number> {
    const rows = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = ANY($1) AND status = 'queued'`, [campaignIds]);
    return rows[0]?.n ?? 0;
  }

  async hasPending(campaignId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending' LIMIT 1`, [campaignId]);
    return rows.length > 0;
  }

  /** Past its window's end: what was not planned is skipped. */
  async skipPending(campaignId: string, reason: string, now: Date): Promise<number> {
    const rows = returnedRows<unknown>(await this.db.query(
      `UPDATE campaign_recipients SET status = 'skipped', status_rank = 9, reason = $2, updated_at = $3 WHERE campaign_id = $1 AND status = 'pending' RETURNING 1`,
      [campaignId, reason, now],
    ));
    return rows.length;
  }

  /** Unique recipients campaigns planned in the window on numbers of the portfolio, and the oldest of those plans. */
  async plannedSince(phoneNumberIds: string[], since: Date): Promise<{ n: number; oldest: Date | null }> {
    const rows = await this.db.query<{ n: number; oldest: Date | null }[]>(
      `SELECT count(DISTINCT recipient)::int AS n, min(queued_at) AS oldest FROM campaign_recipients WHERE phone_number_id = ANY($1) AND queued_at > $2`,
      [phoneNumberIds, since],
    );
    return rows[0] ?? { n: 0, oldest: null };
  }

  // ---- progress (ADR 0154) ----

  /**
   * Applies outbound lifecycle steps to the recipients whose message they are, forward only
   * (a failure is final; a late `sent` after `delivered` changes nothing). Steps of messages
   * that are not a campaign's match no row.
   */
  async applySteps(steps: { messageId: string; status: RecipientStatus; rank: number; errorCode?: number; reason?: string }[]): Promise<number> {
    if (steps.length === 0) return 0;
    const rows = returnedRows<unknown>(await this.db.query(
      `UPDATE campaign_recipients c SET status = s.status, status_rank = s.rank, error_code = COALESCE(s.error_code, c.error_code),
              reason = COALESCE(s.reason, c.reason), queued_at = COALESCE(c.queued_at, now()), updated_at = now()
         FROM (SELECT DISTINCT ON (message_id) * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[]) AS x(message_id, status, rank, error_code, reason)
               ORDER BY message_id, rank DESC) s
        WHERE c.message_id = s.message_id AND c.status_rank < s.rank AND c.status_rank < 9
        RETURNING 1`,
      [steps.map((s) => s.messageId), steps.map((s) => s.status), steps.map((s) => s.rank), steps.map((s) => s.errorCode ?? null), steps.map((s) => s.reason ?? null)],
    ));
    return rows.length;
  }
}
