import { AccountEventV1, ContactChangedV1, NumberChangedV1 } from '@wabridge/contracts';
import { effectiveMps } from '@wabridge/meta';
import { Clock } from '../common/clock';
import { ContactState, NumberState } from '../compliance/compliance';
import { metrics } from '../metrics/dispatcher.metrics';
import { AccessTokens } from './access-tokens';
import { StateCache } from './state.cache';
import { StateRepository, TemplateStatusRow } from './state.repository';

/** Why a number is held while its stored token does not open (shown as its paused reason). */
export const UNBOUND_TOKEN_REASON = 'access token not bound to this number and Graph base URL (config refused)';

/**
 * Local copies of the state sending depends on, fed by events (number, contact, template) and
 * kept in this service's tables. The store decides; the repository holds the SQL, the cache what
 * is read on the hot path, AccessTokens the unsealing (calls go store → cache/tokens/repository,
 * never back).
 */
export class StateStore {
  constructor(
    private readonly repo: StateRepository,
    private readonly cache: StateCache,
    private readonly tokens: AccessTokens,
    private readonly clock: Clock,
  ) {}

  async number(phoneNumberId: string): Promise<NumberState | undefined> {
    const hit = this.cache.number(phoneNumberId);
    if (hit) return hit.state;
    const stored = await this.repo.number(phoneNumberId);
    if (!stored) {
      this.cache.numberChanged(phoneNumberId);
      return undefined;
    }
    // A stored token that does not open for this number/base URL/revision (sealed under the old
    // AAD scheme, or written before this check) holds the number: no Graph call until a config
    // that opens arrives (applyNumber → active → resumeHeld).
    if (stored.state.status === 'active' && this.tokens.openStored(stored.state, stored.token) === undefined) {
      stored.state.status = 'paused';
      stored.state.pausedReason = UNBOUND_TOKEN_REASON;
    }
    this.cache.rememberNumber(phoneNumberId, stored);
    return stored.state;
  }

  /** The number's access token in clear (decrypted once per revision); throws when it is not bound to the number's config. */
  async accessToken(phoneNumberId: string): Promise<string> {
    const n = await this.number(phoneNumberId);
    const hit = this.cache.number(phoneNumberId);
    if (!n || !hit) throw new Error(`unknown number ${phoneNumberId}`);
    if (!this.tokens.enabled) throw new Error('ENCRYPTION_KEYS is not set: cannot open access tokens');
    const token = this.tokens.openStored(n, hit.token);
    if (token === undefined) throw new Error(`number ${phoneNumberId}: ${UNBOUND_TOKEN_REASON}`);
    return token;
  }

  /**
   * Applies a number's config; returns true when the number is (now) active and may have held
   * messages to resume. A pause we made ourselves (auth error) survives replays of the same
   * or older revisions: only a newer config resumes it.
   */
  async applyNumber(ev: NumberChangedV1): Promise<{ active: boolean }> {
    if (ev.deleted) {
      await this.repo.deleteNumber(ev.phoneNumberId);
      this.cache.numberChanged(ev.phoneNumberId);
      return { active: false };
    }
    // A token sealed for another number, base URL or revision (a replayed or edited event) is
    // refused before it can replace a config: the stored one (if any) stays, nothing calls Graph
    // with the pair. Counted and logged; the gateway's next publish (at boot at the latest) heals.
    if (!this.tokens.acceptsEvent(ev)) return { active: false };
    const status = await this.repo.upsertNumber({
      phoneNumberId: ev.phoneNumberId, tenantId: ev.tenantId, wabaId: ev.wabaId, businessId: ev.businessId || ev.wabaId,
      status: ev.status, pausedReason: ev.pausedReason ?? null,
      // Coexistence numbers (Business app + Cloud API) never exceed Meta's 20 mps, whatever the config says (ADR 0163).
      mps: effectiveMps(ev.mps, ev.coexistence), tier: ev.tier,
      graphBaseUrl: ev.graphBaseUrl, graphApiVersion: ev.graphApiVersion, accessToken: ev.accessToken, revision: ev.revision,
    });
    this.cache.numberChanged(ev.phoneNumberId);
    await this.refreshPausedGauge();
    return { active: status === 'active' };
  }

  /**
   * Meta said the credentials are bad: hold the number's queue until a newer config arrives.
   * Only the config revision the failed call used is paused — a late 190 from a call made with
   * an old token must not pause the config that replaced it. Returns whether the number is now
   * paused at that revision.
   */
  async pauseNumber(phoneNumberId: string, reason: string, revision?: number): Promise<boolean> {
    const paused = await this.repo.pauseNumber(phoneNumberId, reason.slice(0, 1000), revision ?? null);
    this.cache.numberChanged(phoneNumberId);
    await this.refreshPausedGauge();
    return paused;
  }

  /** The number's status read from the table (no cache). */
  async freshStatus(phoneNumberId: string): Promise<string | undefined> {
    this.cache.numberChanged(phoneNumberId);
    return (await this.number(phoneNumberId))?.status;
  }

  private async refreshPausedGauge(): Promise<void> {
    metrics.pausedNumbers.set(await this.repo.countPausedNumbers());
  }

  async applyContact(ev: ContactChangedV1): Promise<void> {
    const recipient = ev.waId ?? ev.userId;
    if (!recipient) return;
    if (ev.erased) return this.repo.deleteContact(ev.tenantId, ev.phoneNumberId, recipient);
    await this.repo.upsertContact({
      tenantId: ev.tenantId, phoneNumberId: ev.phoneNumberId, recipient, windowOpenUntil: ev.windowOpenUntil ?? null,
      optedOut: ev.optedOut, reachable: ev.reachable, updatedAt: ev.updatedAt,
    });
  }

  /** Contacts of one tenant and number, for a batch of recipients. */
  contacts(tenantId: string, phoneNumberId: string, recipients: string[]): Promise<Map<string, ContactState>> {
    return this.repo.contacts(tenantId, phoneNumberId, recipients);
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
    await this.setTemplateStatus({ wabaId: ev.wabaId, name: ev.templateName, language: ev.templateLanguage, status, updatedAt: Date.parse(ev.occurredAt) });
  }

  async templateStatus(wabaId: string, name: string | undefined, language: string | undefined): Promise<string | undefined> {
    if (!name || !language) return undefined;
    if (!this.cache.templatesLoaded) await this.reloadTemplates();
    else if (this.cache.templatesStale) void this.reloadTemplates().catch(() => undefined); // served from what is known meanwhile
    return this.cache.templateStatus(wabaId, name, language);
  }

  private templatesLoading: Promise<void> | undefined;

  /** One load of the table's template statuses at a time, however many sends ask. */
  private reloadTemplates(): Promise<void> {
    this.templatesLoading ??= (async () => {
      const startedAt = this.clock.now();
      try {
        this.cache.loadTemplates(await this.repo.templateStatuses(), startedAt);
      } finally {
        this.templatesLoading = undefined;
      }
    })();
    return this.templatesLoading;
  }

  /**
   * A template Meta refused as paused/disabled (132015/132016) is marked so here, so the next
   * sends of it are refused before Graph until a status webhook says otherwise (ADR 0164).
   */
  markTemplateStatus(wabaId: string, name: string, language: string, status: string, at: number): Promise<void> {
    return this.setTemplateStatus({ wabaId, name, language, status, updatedAt: at });
  }

  private async setTemplateStatus(t: TemplateStatusRow): Promise<void> {
    await this.repo.upsertTemplateStatus(t);
    this.cache.templateChanged(t);
  }

  /**
   * Meta said 131049 (per-user marketing limit): no marketing template to this user from the
   * portfolio until `until` (ADR 0164). A later hold extends, an earlier one never shortens.
   */
  holdMarketing(businessId: string, recipient: string, until: number): Promise<void> {
    return this.repo.holdMarketing(businessId, recipient, new Date(until));
  }

  /** Which of these users' marketing is held, and until when (epoch ms): one query for a batch's recipients. */
  marketingHolds(businessId: string, recipients: string[], now: number): Promise<Map<string, number>> {
    return this.repo.marketingHolds(businessId, recipients, new Date(now));
  }

  /** Forgets expired marketing holds (with the reach prune); returns how many went. */
  pruneMarketingHolds(now: number, chunk = 5000): Promise<number> {
    return this.repo.pruneMarketingHolds(new Date(now), chunk);
  }

  /**
   * A template's category as learned here (ADR 0164): a category update, or a 131049 failure
   * (only marketing templates draw it). Newer facts win.
   */
  learnTemplateCategory(wabaId: string, name: string, language: string, category: string, at: number): Promise<void> {
    return this.repo.upsertTemplateCategory(wabaId, name, language, category.slice(0, 32), new Date(Number.isFinite(at) ? at : this.clock.now()));
  }

  /** The category learned for a template, if any. */
  async templateCategory(wabaId: string, name: string | undefined, language: string | undefined): Promise<string | undefined> {
    if (!name || !language) return undefined;
    return this.repo.templateCategory(wabaId, name, language);
  }

  /**
   * Messaging limit, shared by every number of a business portfolio: a business-initiated
   * message to a user not reached in the last 24 h takes one unit of the tier (exact moving
   * 24 h, serialized per portfolio so concurrent instances never overshoot).
   */
  async reachPortfolio(businessId: string, recipient: string, limit: number, now: number): Promise<boolean> {
    if (!Number.isFinite(limit)) return true;
    return this.repo.reachPortfolio(businessId, recipient, limit, now);
  }

  /**
   * Forgets users reached more than 24 h ago (they no longer count against any tier). In
   * chunks, so a large portfolio never holds long locks; returns how many rows went.
   */
  pruneReach(now: number, chunk = 5000): Promise<number> {
    return this.repo.pruneReach(now, chunk);
  }
}
