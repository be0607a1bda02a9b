import { EncryptedSecret } from '@wabridge/contracts';
import { ContactState, NumberState } from '../compliance/compliance';
import { Pg } from '../database/pg';

/** A number's config as stored, with its still-sealed access token. */
export interface StoredNumber {
  state: NumberState;
  token: EncryptedSecret;
}

/** The values a number config event writes (the store decides them: effective mps, business id). */
export interface NumberConfig {
  phoneNumberId: string; tenantId: string; wabaId: string; businessId: string; status: 'active' | 'paused';
  pausedReason: string | null; mps: number; tier: string; graphBaseUrl: string; graphApiVersion: string;
  accessToken: EncryptedSecret; revision: number;
}

/** A contact's state row as a contact event writes it. */
export interface ContactRow {
  tenantId: string; phoneNumberId: string; recipient: string; windowOpenUntil: string | null;
  optedOut: boolean; reachable: boolean; updatedAt: string;
}

/** A template status as stored (`updatedAt` orders updates: newer facts win). */
export interface TemplateStatusRow {
  wabaId: string; name: string; language: string; status: string; updatedAt: number;
}

interface NumberRow {
  phone_number_id: string; tenant_id: string; waba_id: string; business_id: string; status: 'active' | 'paused';
  paused_reason: string | null; mps: number; tier: string; graph_base_url: string; graph_api_version: string;
  access_token: EncryptedSecret; revision: number;
}

const DAY_MS = 24 * 3600_000;

/**
 * The SQL of the dispatcher's local copies of numbers, contacts and templates, and of the
 * portfolio's reach and marketing holds (ADR 0188: SQL only; decisions, caching and unsealing
 * are the store's). Every statement is the one `state.store.ts` ran before the split.
 */
export class StateRepository {
  constructor(private readonly pg: Pg) {}

  async number(phoneNumberId: string): Promise<StoredNumber | undefined> {
    const { rows } = await this.pg.query<NumberRow>('SELECT * FROM numbers WHERE phone_number_id = $1', [phoneNumberId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      state: {
        phoneNumberId: row.phone_number_id, tenantId: row.tenant_id, wabaId: row.waba_id, businessId: row.business_id,
        status: row.status, pausedReason: row.paused_reason ?? undefined, mps: row.mps, tier: row.tier,
        graphBaseUrl: row.graph_base_url, graphApiVersion: row.graph_api_version, revision: row.revision,
      },
      token: row.access_token,
    };
  }

  async deleteNumber(phoneNumberId: string): Promise<void> {
    await this.pg.query('DELETE FROM numbers WHERE phone_number_id = $1', [phoneNumberId]);
  }

  /**
   * Writes a config unless a newer revision is stored. A pause we made ourselves survives the
   * same or older revisions. Returns the number's status after the write (undefined when the
   * config was older than the stored one).
   */
  async upsertNumber(c: NumberConfig): Promise<string | undefined> {
    const { rows } = await this.pg.query<{ status: string }>(
      `INSERT INTO numbers (phone_number_id, tenant_id, waba_id, business_id, status, paused_reason, mps, tier,
                            graph_base_url, graph_api_version, access_token, revision, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12, now())
       ON CONFLICT (phone_number_id) DO UPDATE SET
         tenant_id = EXCLUDED.tenant_id, waba_id = EXCLUDED.waba_id, business_id = EXCLUDED.business_id,
         mps = EXCLUDED.mps, tier = EXCLUDED.tier, graph_base_url = EXCLUDED.graph_base_url,
         graph_api_version = EXCLUDED.graph_api_version, access_token = EXCLUDED.access_token,
         revision = EXCLUDED.revision, updated_at = now(),
         status = CASE WHEN numbers.paused_at_revision IS NOT NULL AND EXCLUDED.revision <= numbers.paused_at_revision
                       THEN numbers.status ELSE EXCLUDED.status END,
         paused_reason = CASE WHEN numbers.paused_at_revision IS NOT NULL AND EXCLUDED.revision <= numbers.paused_at_revision
                       THEN numbers.paused_reason ELSE EXCLUDED.paused_reason END,
         paused_at_revision = CASE WHEN numbers.paused_at_revision IS NOT NULL AND EXCLUDED.revision <= numbers.paused_at_revision
                       THEN numbers.paused_at_revision ELSE NULL END
       WHERE EXCLUDED.revision >= numbers.revision
       RETURNING status`,
      [c.phoneNumberId, c.tenantId, c.wabaId, c.businessId, c.status, c.pausedReason, c.mps, c.tier,
        c.graphBaseUrl, c.graphApiVersion, JSON.stringify(c.accessToken), c.revision],
    );
    return rows[0]?.status;
  }

  /** Pauses the number (only at `revision` when given); true when a row was paused. */
  async pauseNumber(phoneNumberId: string, reason: string, revision: number | null): Promise<boolean> {
    const { rows } = await this.pg.query<{ status: string }>(
      `UPDATE numbers SET status = 'paused', paused_reason = $2, paused_at_revision = revision, updated_at = now()
       WHERE phone_number_id = $1 AND ($3::int IS NULL OR revision = $3)
       RETURNING status`,
      [phoneNumberId, reason, revision],
    );
    return rows.length > 0;
  }

  async countPausedNumbers(): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM numbers WHERE status = 'paused'`);
    return Number(rows[0]?.n ?? 0);
  }

  async deleteContact(tenantId: string, phoneNumberId: string, recipient: string): Promise<void> {
    await this.pg.query('DELETE FROM contacts WHERE phone_number_id = $1 AND recipient = $2 AND tenant_id = $3', [phoneNumberId, recipient, tenantId]);
  }

  /** Writes the contact's state unless a newer one is stored. */
  async upsertContact(c: ContactRow): Promise<void> {
    await this.pg.query(
      `INSERT INTO contacts (tenant_id, phone_number_id, recipient, window_open_until, opted_out, reachable, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (phone_number_id, recipient, tenant_id) DO UPDATE SET
         window_open_until = EXCLUDED.window_open_until, opted_out = EXCLUDED.opted_out,
         reachable = EXCLUDED.reachable, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= contacts.updated_at`,
      [c.tenantId, c.phoneNumberId, c.recipient, c.windowOpenUntil, c.optedOut, c.reachable, c.updatedAt],
    );
  }

  /** Contacts of one tenant and number, for a batch of recipients. */
  async contacts(tenantId: string, phoneNumberId: string, recipients: string[]): Promise<Map<string, ContactState>> {
    const out = new Map<string, ContactState>();
    if (recipients.length === 0) return out;
    const { rows } = await this.pg.query<{ recipient: string; window_open_until: Date | null; opted_out: boolean; reachable: boolean }>(
      `SELECT recipient, window_open_until, opted_out, reachable FROM contacts
       WHERE tenant_id = $1 AND phone_number_id = $2 AND recipient = ANY($3)`,
      [tenantId, phoneNumberId, recipients],
    );
    for (const r of rows) {
      out.set(r.recipient, { windowOpenUntil: r.window_open_until?.getTime(), optedOut: r.opted_out, reachable: r.reachable });
    }
    return out;
  }

  /** Writes a template's status unless a newer one is stored. */
  async upsertTemplateStatus(t: TemplateStatusRow): Promise<void> {
    await this.pg.query(
      `INSERT INTO templates (waba_id, name, language, status, updated_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= templates.updated_at`,
      [t.wabaId, t.name, t.language, t.status, new Date(t.updatedAt)],
    );
  }

  async templateStatuses(): Promise<TemplateStatusRow[]> {
    const { rows } = await this.pg.query<{ waba_id: string; name: string; language: string; status: string; updated_at: Date }>(
      'SELECT waba_id, name, language, status, updated_at FROM templates');
    return rows.map((r) => ({ wabaId: r.waba_id, name: r.name, language: r.language, status: r.status, updatedAt: r.updated_at.getTime() }));
  }

  /** A later hold extends, an earlier one never shortens. */
  async holdMarketing(businessId: string, recipient: string, until: Date): Promise<void> {
    await this.pg.query(
      `INSERT INTO marketing_holds (business_id, recipient, held_until) VALUES ($1,$2,$3)
       ON CONFLICT (business_id, recipient) DO UPDATE SET held_until = GREATEST(marketing_holds.held_until, EXCLUDED.held_until)`,
      [businessId, recipient, until],
    );
  }

  /** The recipients of `recipients` whose marketing Meta limited (131049) and until when (epoch ms). */
  async marketingHolds(businessId: string, recipients: string[], now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (recipients.length === 0) return out;
    const { rows } = await this.pg.query<{ recipient: string; held_until: Date }>(
      'SELECT recipient, held_until FROM marketing_holds WHERE business_id = $1 AND recipient = ANY($2) AND held_until > $3',
      [businessId, recipients, now]);
    for (const r of rows) out.set(r.recipient, r.held_until.getTime());
    return out;
  }

  pruneMarketingHolds(now: Date, chunk: number): Promise<number> {
    return this.pg.deleteInChunks('marketing_holds', 'held_until <= $1', [now], chunk);
  }

  /** Newer facts win. */
  async upsertTemplateCategory(wabaId: string, name: string, language: string, category: string, at: Date): Promise<void> {
    await this.pg.query(
      `INSERT INTO template_categories (waba_id, name, language, category, updated_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET category = EXCLUDED.category, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= template_categories.updated_at`,
      [wabaId, name, language, category, at],
    );
  }

  async templateCategory(wabaId: string, name: string, language: string): Promise<string | undefined> {
    const { rows } = await this.pg.query<{ category: string }>('SELECT category FROM template_categories WHERE waba_id = $1 AND name = $2 AND language = $3', [wabaId, name, language]);
    return rows[0]?.category;
  }

  /**
   * Counts the user against the portfolio's moving 24 h unless already counted; false when the
   * portfolio has reached `limit` users. Serialized per portfolio with an advisory lock so
   * concurrent instances never overshoot.
   */
  reachPortfolio(businessId: string, recipient: string, limit: number, now: number): Promise<boolean> {
    const at = new Date(now);
    const since = new Date(now - DAY_MS);
    return this.pg.transaction(async (q) => {
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [`dispatcher.reach.${businessId}`]);
      const seen = await q('SELECT 1 FROM portfolio_reach WHERE business_id = $1 AND recipient = $2 AND reached_at > $3', [businessId, recipient, since]);
      if (seen.rows.length > 0) return true;
      const used = await q('SELECT count(*)::int AS n FROM portfolio_reach WHERE business_id = $1 AND reached_at > $2', [businessId, since]);
      if (Number(used.rows[0]?.['n'] ?? 0) >= limit) return false;
      await q(
        `INSERT INTO portfolio_reach (business_id, recipient, reached_at) VALUES ($1,$2,$3)
         ON CONFLICT (business_id, recipient) DO UPDATE SET reached_at = EXCLUDED.reached_at`,
        [businessId, recipient, at],
      );
      return true;
    });
  }

  /** Users reached more than 24 h ago, in chunks (no long locks). */
  pruneReach(now: number, chunk: number): Promise<number> {
    return this.pg.deleteInChunks('portfolio_reach', 'reached_at <= $1', [new Date(now - DAY_MS)], chunk);
  }
}
