import { AccountEventV1, ContactChangedV1, EncryptedSecret, NumberChangedV1 } from '@wabridge/contracts';
import { Logger } from '@nestjs/common';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import { effectiveMps } from '@wabridge/meta';
import { counter } from '@wabridge/telemetry';
import { Clock } from '../common/clock';
import { ContactState, NumberState } from '../compliance/compliance';
import { Pg } from '../database/pg';
import { metrics } from '../metrics/dispatcher.metrics';

/**
 * Number configs whose access token does not open for their number, Graph base URL and revision
 * (ADR 0072): `event` = refused when consumed, `stored` = a stored row (e.g. sealed under the
 * older AAD scheme) held until a config that opens arrives.
 */
const refusedConfigs = counter('dispatcher_number_config_refused_total', 'Number configs refused because the sealed access token is not bound to that number/base URL/revision', ['where'] as const);

/** Why a number is held while its stored token does not open (shown as its paused reason). */
export const UNBOUND_TOKEN_REASON = 'access token not bound to this number and Graph base URL (config refused)';

interface NumberRow {
  phone_number_id: string; tenant_id: string; waba_id: string; business_id: string; status: 'active' | 'paused';
  paused_reason: string | null; mps: number; tier: string; graph_base_url: string; graph_api_version: string;
  access_token: EncryptedSecret; revision: number;
}

/**
 * Local copies of the state sending depends on, fed by events (number, contact, template)
 * and kept in this service's tables. Numbers are cached briefly in memory: another instance
 * may pause or resume a number, and the table is where that meets.
 */
export class StateStore {
  private readonly log = new Logger('StateStore');
  private readonly numbers = new Map<string, { state: NumberState; token: EncryptedSecret; at: number }>();
  private readonly tokens = new Map<string, string>();
  /** Stored configs (cache key) whose token did not open: never retried until the row changes. */
  private readonly unbound = new Set<string>();
  private readonly templates = new Map<string, string>();
  private templatesLoaded = false;

  constructor(
    private readonly pg: Pg,
    private readonly box: SecretBox | null,
    private readonly clock: Clock,
    private readonly numberCacheMs = 1000,
  ) {}

  async number(phoneNumberId: string): Promise<NumberState | undefined> {
    const hit = this.numbers.get(phoneNumberId);
    if (hit && this.clock.now() - hit.at < this.numberCacheMs) return hit.state;
    const { rows } = await this.pg.query<NumberRow>('SELECT * FROM numbers WHERE phone_number_id = $1', [phoneNumberId]);
    const row = rows[0];
    if (!row) {
      this.numbers.delete(phoneNumberId);
      return undefined;
    }
    const state: NumberState = {
      phoneNumberId: row.phone_number_id, tenantId: row.tenant_id, wabaId: row.waba_id, businessId: row.business_id,
      status: row.status, pausedReason: row.paused_reason ?? undefined, mps: row.mps, tier: row.tier,
      graphBaseUrl: row.graph_base_url, graphApiVersion: row.graph_api_version, revision: row.revision,
    };
    // A stored token that does not open for this number/base URL/revision (sealed under the old
    // AAD scheme, or written before this check) holds the number: no Graph call until a config
    // that opens arrives (applyNumber → active → resumeHeld).
    if (state.status === 'active' && this.unsealStored(state, row.access_token) === undefined) {
      state.status = 'paused';
      state.pausedReason = UNBOUND_TOKEN_REASON;
    }
    this.numbers.set(phoneNumberId, { state, token: row.access_token, at: this.clock.now() });
    return state;
  }

  /** The number's access token in clear (decrypted once per revision); throws when it is not bound to the number's config. */
  async accessToken(phoneNumberId: string): Promise<string> {
    const n = await this.number(phoneNumberId);
    const hit = this.numbers.get(phoneNumberId);
    if (!n || !hit) throw new Error(`unknown number ${phoneNumberId}`);
    if (!this.box) throw new Error('ENCRYPTION_KEYS is not set: cannot open access tokens');
    const token = this.unsealStored(n, hit.token);
    if (token === undefined) throw new Error(`number ${phoneNumberId}: ${UNBOUND_TOKEN_REASON}`);
    return token;
  }

  /**
   * Opens a stored token with the AAD of the config it is stored with; undefined (counted and
   * logged once per config) when it does not open. Without ENCRYPTION_KEYS nothing can be
   * checked: the number stays as configured and accessToken() fails at send time.
   */
  private unsealStored(n: Pick<NumberState, 'phoneNumberId' | 'graphBaseUrl' | 'revision'>, sealed: EncryptedSecret): string | undefined {
    if (!this.box) return '';
    const cacheKey = `${n.phoneNumberId}:${n.revision}:${n.graphBaseUrl}:${sealed.data.slice(0, 16)}:${sealed.tag}`;
    const cached = this.tokens.get(cacheKey);
    if (cached !== undefined) return cached;
    if (this.unbound.has(cacheKey)) return undefined;
    try {
      const token = this.box.open(sealed, accessTokenAad(n));
      this.tokens.set(cacheKey, token);
      return token;
    } catch (err) {
      this.unbound.add(cacheKey);
      refusedConfigs.inc({ where: 'stored' });
      this.log.warn(`number ${n.phoneNumberId} held: stored access token does not open for ${n.graphBaseUrl} revision ${n.revision} (${(err as Error).message}); waiting for a config that does`);
      return undefined;
    }
  }

  /** True when the event's token opens for the event's own number, base URL and revision. */
  private tokenBound(ev: NumberChangedV1): boolean {
    if (!this.box) return true;
    try {
      this.box.open(ev.accessToken, accessTokenAad(ev));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Applies a number's config; returns true when the number is (now) active and may have held
   * messages to resume. A pause we made ourselves (auth error) survives replays of the same
   * or older revisions: only a newer config resumes it.
   */
  async applyNumber(ev: NumberChangedV1): Promise<{ active: boolean }> {
    if (ev.deleted) {
      await this.pg.query('DELETE FROM numbers WHERE phone_number_id = $1', [ev.phoneNumberId]);
      this.numbers.delete(ev.phoneNumberId);
      return { active: false };
    }
    // A token sealed for another number, base URL or revision (a replayed or edited event) is
    // refused before it can replace a config: the stored one (if any) stays, nothing calls Graph
    // with the pair. Counted and logged; the gateway's next publish (at boot at the latest) heals.
    if (!this.tokenBound(ev)) {
      refusedConfigs.inc({ where: 'event' });
      this.log.warn(`refused config of number ${ev.phoneNumberId} revision ${ev.revision}: its access token is not sealed for ${ev.graphBaseUrl} (replayed, forged or sealed under the old AAD scheme)`);
      return { active: false };
    }
    // Coexistence numbers (Business app + Cloud API) never exceed Meta's 20 mps, whatever the config says (ADR 0163).
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
      [ev.phoneNumberId, ev.tenantId, ev.wabaId, ev.businessId || ev.wabaId, ev.status, ev.pausedReason ?? null, effectiveMps(ev.mps, ev.coexistence), ev.tier,
        ev.graphBaseUrl, ev.graphApiVersion, JSON.stringify(ev.accessToken), ev.revision],
    );
    this.numbers.delete(ev.phoneNumberId);
    await this.refreshPausedGauge();
    return { active: rows[0]?.status === 'active' };
  }

  /**
   * Meta said the credentials are bad: hold the number's queue until a newer config arrives.
   * Only the config revision the failed call used is paused — a late 190 from a call made with
   * an old token must not pause the config that replaced it. Returns whether the number is now
   * paused at that revision.
   */
  async pauseNumber(phoneNumberId: string, reason: string, revision?: number): Promise<boolean> {
    const { rows } = await this.pg.query<{ status: string }>(
      `UPDATE numbers SET status = 'paused', paused_reason = $2, paused_at_revision = revision, updated_at = now()
       WHERE phone_number_id = $1 AND ($3::int IS NULL OR revision = $3)
       RETURNING status`,
      [phoneNumberId, reason.slice(0, 1000), revision ?? null],
    );
    this.numbers.delete(phoneNumberId);
    await this.refreshPausedGauge();
    return rows.length > 0;
  }

  /** The number's status read from the table (no cache). */
  async freshStatus(phoneNumberId: string): Promise<string | undefined> {
    this.numbers.delete(phoneNumberId);
    return (await this.number(phoneNumberId))?.status;
  }

  private async refreshPausedGauge(): Promise<void> {
    const { rows } = await this.pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM numbers WHERE status = 'paused'`);
    metrics.pausedNumbers.set(Number(rows[0]?.n ?? 0));
  }

  async applyContact(ev: ContactChangedV1): Promise<void> {
    const recipient = ev.waId ?? ev.userId;
    if (!recipient) return;
    if (ev.erased) {
      await this.pg.query('DELETE FROM contacts WHERE phone_number_id = $1 AND recipient = $2 AND tenant_id = $3', [ev.phoneNumberId, recipient, ev.tenantId]);
      return;
    }
    await this.pg.query(
      `INSERT INTO contacts (tenant_id, phone_number_id, recipient, window_open_until, opted_out, reachable, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (phone_number_id, recipient, tenant_id) DO UPDATE SET
         window_open_until = EXCLUDED.window_open_until, opted_out = EXCLUDED.opted_out,
         reachable = EXCLUDED.reachable, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= contacts.updated_at`,
      [ev.tenantId, ev.phoneNumberId, recipient, ev.windowOpenUntil ?? null, ev.optedOut, ev.reachable, ev.updatedAt],
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

  /** Template status updates (`message_template_status_update`) and category changes from account events. */
  async applyAccountEvent(ev: AccountEventV1): Promise<void> {
    if (ev.field === 'template_category_update' && ev.templateName && ev.templateLanguage) {
      const category = typeof ev.value['new_category'] === 'string' ? ev.value['new_category'].toUpperCase() : undefined;
      if (category) await this.learnTemplateCategory(ev.wabaId, ev.templateName, ev.templateLanguage, category, Date.parse(ev.occurredAt));
      return;
    }
    if (ev.field !== 'message_template_status_update' || !ev.templateName || !ev.templateLanguage) return;
    const status = ev.event ?? (typeof ev.value['event'] === 'string' ? ev.value['event'] : undefined);
    if (!status) return;
    await this.pg.query(
      `INSERT INTO templates (waba_id, name, language, status, updated_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= templates.updated_at`,
      [ev.wabaId, ev.templateName, ev.templateLanguage, status, ev.occurredAt],
    );
    this.templates.set(`${ev.wabaId}:${ev.templateName}:${ev.templateLanguage}`, status);
  }

  async templateStatus(wabaId: string, name: string | undefined, language: string | undefined): Promise<string | undefined> {
    if (!name || !language) return undefined;
    if (!this.templatesLoaded) {
      const { rows } = await this.pg.query<{ waba_id: string; name: string; language: string; status: string }>('SELECT waba_id, name, language, status FROM templates');
      for (const r of rows) this.templates.set(`${r.waba_id}:${r.name}:${r.language}`, r.status);
      this.templatesLoaded = true;
    }
    return this.templates.get(`${wabaId}:${name}:${language}`);
  }

  /**
   * Meta said 131049 (per-user marketing limit): no marketing template to this user from the
   * portfolio until `until` (ADR 0164). A later hold extends, an earlier one never shortens.
   */
  async holdMarketing(businessId: string, recipient: string, until: number): Promise<void> {
    await this.pg.query(
      `INSERT INTO marketing_holds (business_id, recipient, held_until) VALUES ($1,$2,$3)
       ON CONFLICT (business_id, recipient) DO UPDATE SET held_until = GREATEST(marketing_holds.held_until, EXCLUDED.held_until)`,
      [businessId, recipient, new Date(until)],
    );
  }

  /** Until when marketing to this user is held (epoch ms), or undefined when it is not. */
  async marketingHeldUntil(businessId: string, recipient: string, now: number): Promise<number | undefined> {
    const { rows } = await this.pg.query<{ held_until: Date }>(
      'SELECT held_until FROM marketing_holds WHERE business_id = $1 AND recipient = $2 AND held_until > $3', [businessId, recipient, new Date(now)]);
    return rows[0]?.held_until.getTime();
  }

  /** Forgets expired marketing holds (with the reach prune); returns how many went. */
  pruneMarketingHolds(now: number, chunk = 5000): Promise<number> {
    return this.pg.deleteInChunks('marketing_holds', 'held_until <= $1', [new Date(now)], chunk);
  }

  /**
   * A template's category as learned here (ADR 0164): a category update, or a 131049 failure
   * (only marketing templates draw it). Newer facts win.
   */
  async learnTemplateCategory(wabaId: string, name: string, language: string, category: string, at: number): Promise<void> {
    await this.pg.query(
      `INSERT INTO template_categories (waba_id, name, language, category, updated_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET category = EXCLUDED.category, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= template_categories.updated_at`,
      [wabaId, name, language, category.slice(0, 32), new Date(Number.isFinite(at) ? at : this.clock.now())],
    );
  }

  /** The category learned for a template, if any. */
  async templateCategory(wabaId: string, name: string | undefined, language: string | undefined): Promise<string | undefined> {
    if (!name || !language) return undefined;
    const { rows } = await this.pg.query<{ category: string }>('SELECT category FROM template_categories WHERE waba_id = $1 AND name = $2 AND language = $3', [wabaId, name, language]);
    return rows[0]?.category;
  }

  /**
   * A template Meta refused as paused/disabled (132015/132016) is marked so here, so the next
   * sends of it are refused before Graph until a status webhook says otherwise (ADR 0164).
   */
  async markTemplateStatus(wabaId: string, name: string, language: string, status: string, at: number): Promise<void> {
    await this.pg.query(
      `INSERT INTO templates (waba_id, name, language, status, updated_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.updated_at >= templates.updated_at`,
      [wabaId, name, language, status, new Date(at)],
    );
    this.templates.set(`${wabaId}:${name}:${language}`, status);
  }

  /**
   * Messaging limit, shared by every number of a business portfolio: a business-initiated
   * message to a user not reached in the last 24 h takes one unit of the tier. Exact moving
   * 24 h (one row per portfolio and user with the time it was last counted), serialized per
   * portfolio with an advisory lock so concurrent instances never overshoot.
   */
  async reachPortfolio(businessId: string, recipient: string, limit: number, now: number): Promise<boolean> {
    if (!Number.isFinite(limit)) return true;
    const at = new Date(now);
    const since = new Date(now - 24 * 3600_000);
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

  /**
   * Forgets users reached more than 24 h ago (they no longer count against any tier). In
   * chunks, so a large portfolio never holds long locks; returns how many rows went.
   */
  pruneReach(now: number, chunk = 5000): Promise<number> {
    return this.pg.deleteInChunks('portfolio_reach', 'reached_at <= $1', [new Date(now - 24 * 3600_000)], chunk);
  }
}
