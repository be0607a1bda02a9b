import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountEventV1 } from '@wabridge/contracts';
import { accountStateChange, AccountStateChange, isJsonObject, NumberStateChange, numberStateFromGraph, WabaStateChange, wabaStateFromGraph } from '@wabridge/meta';
import { RegistryPublisher } from '../accounts/registry.publisher';
import { RegistryService } from '../accounts/registry.service';
import { Clock } from '../auth/rate-limiter';
import { GraphClient } from '../graph/graph.client';
import { CLOCK } from '../tokens';
import { AccountStateRepository } from './account-state.repository';

/** Fields of the phone number node in Meta's v23 reference. */
const NUMBER_FIELDS = 'display_phone_number,quality_rating,messaging_limit_tier,name_status';
/**
 * Read separately: documented on Meta's site but not in the v23 reference document, and Graph
 * answers 100 for a whole request naming a field it does not know — their absence must not cost
 * the fields above.
 */
const NUMBER_EXTRA_FIELDS = 'throughput,is_on_biz_app';
const WABA_FIELDS = 'account_review_status,business_verification_status';

/**
 * Keeps the registry's copy of what Meta decided about numbers and WABAs current (ADR 0163):
 * from account webhooks (`wa.account.event.v1`) and periodic Graph reads. Every change bumps
 * the affected numbers' revisions and republishes their NumberChangedV1 in the same
 * transaction, so the dispatcher's limits and holds follow within seconds.
 */
@Injectable()
export class AccountStateService {
  private readonly log = new Logger(AccountStateService.name);

  constructor(
    private readonly repo: AccountStateRepository,
    private readonly registry: RegistryService,
    private readonly publisher: RegistryPublisher,
    private readonly graph: GraphClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A webhook-borne change; other account events (templates, calls, …) are not ours. */
  async applyAccountEvent(ev: AccountEventV1): Promise<void> {
    const change = accountStateChange(ev.field, ev.value);
    if (!change) return;
    const applied = await this.apply(ev.wabaId, change, ev.occurredAt, ev.phoneNumberId);
    if (applied.length === 0) this.log.debug(`account event ${ev.eventId} (${ev.field}) changed nothing (unknown WABA/number or older than what we know)`);
  }

  /** Applies one change at `at` (Meta's time); returns the numbers republished. */
  async apply(wabaId: string, change: AccountStateChange, at: string, phoneNumberId?: string): Promise<string[]> {
    const published = await this.repo.transaction(async (m) => {
      const waba = await this.repo.lockWaba(m, wabaId);
      if (!waba) return [];
      const changed = new Set<string>();
      if (change.scope === 'waba') {
        if (await this.repo.applyWaba(m, waba, change.waba, at)) {
          for (const id of await this.repo.bumpNumbersOfWaba(m, wabaId)) changed.add(id);
        }
        // The portfolio's messaging limit is every number's tier.
        if (change.waba.messagingTier) {
          for (const id of await this.applyToNumbers(m, wabaId, {}, { messagingTier: change.waba.messagingTier }, at)) changed.add(id);
        }
      } else {
        const digits = change.number.displayPhoneNumber?.replace(/\D/g, '') || undefined;
        const by = phoneNumberId ? { phoneNumberId } : digits ? { displayDigits: digits } : {};
        for (const id of await this.applyToNumbers(m, wabaId, by, change.number, at)) changed.add(id);
      }
      return this.publish(m, [...changed]);
    });
    for (const id of published) this.registry.forgetNumber(id);
    return published;
  }

  private async applyToNumbers(m: EntityManager, wabaId: string, by: { phoneNumberId?: string; displayDigits?: string }, change: NumberStateChange, at: string): Promise<string[]> {
    const changed: string[] = [];
    for (const row of await this.repo.lockNumbers(m, wabaId, by)) {
      if (await this.repo.applyNumber(m, row, change, at)) changed.push(row.phone_number_id);
    }
    return changed;
  }

  /** Publishes the numbers' new configs inside the transaction: the rows commit only once Kafka has them. */
  private async publish(m: EntityManager, phoneNumberIds: string[]): Promise<string[]> {
    const rows = await this.repo.numberRows(m, phoneNumberIds);
    for (const row of rows) await this.publisher.publishNumber(row);
    return rows.map((r) => r.phone_number_id);
  }

  /**
   * Reads the WABA's review/verification status and each of its numbers' fields from Graph
   * (with a number's token) and applies them at the read time. A number Graph cannot answer
   * for is skipped (logged); the others still apply.
   */
  async refreshWaba(wabaId: string): Promise<string[]> {
    const numbers = await this.repo.numbersOfWabaRows(wabaId);
    const first = numbers[0];
    if (!first) return [];
    const published = new Set<string>();
    // to the second, as Meta's webhook times: a webhook of the same second that arrives later still applies
    const at = new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString();
    try {
      const body = await this.graph.call(first, 'GET', wabaId, undefined, { fields: WABA_FIELDS });
      const waba: WabaStateChange = wabaStateFromGraph(isJsonObject(body) ? body : {});
      if (Object.keys(waba).length > 0) for (const id of await this.apply(wabaId, { scope: 'waba', aspect: 'graph', waba }, at)) published.add(id);
    } catch (err) {
      this.log.warn(`Graph refresh of WABA ${wabaId} failed: ${(err as Error).message}`);
    }
    for (const n of numbers) {
      try {
        const body = await this.graph.call(n, 'GET', n.phone_number_id, undefined, { fields: NUMBER_FIELDS });
        const extra = await this.graph.call(n, 'GET', n.phone_number_id, undefined, { fields: NUMBER_EXTRA_FIELDS }).catch((err: Error) => {
          this.log.debug(`number ${n.phone_number_id}: ${NUMBER_EXTRA_FIELDS} not readable (${err.message})`);
          return {};
        });
        const { displayPhoneNumber: _shown, ...number } = numberStateFromGraph({ ...(isJsonObject(extra) ? extra : {}), ...(isJsonObject(body) ? body : {}) });
        if (Object.keys(number).length > 0) {
          for (const id of await this.apply(wabaId, { scope: 'number', aspect: 'graph', number }, at, n.phone_number_id)) published.add(id);
        }
      } catch (err) {
        this.log.warn(`Graph refresh of number ${n.phone_number_id} failed: ${(err as Error).message}`);
      }
    }
    await this.repo.markRefreshed(wabaId, new Date(this.clock.now()));
    return [...published];
  }

  /** Refreshes up to `limit` WABAs not read since `intervalMs` ago (claimed, so instances share the work); returns how many. */
  async refreshDue(intervalMs: number, limit = 20): Promise<number> {
    const now = this.clock.now();
    const due = await this.repo.claimDueForRefresh(new Date(now - intervalMs), new Date(now), limit);
    for (const wabaId of due) await this.refreshWaba(wabaId);
    return due.length;
  }

  /** Lifts messaging restrictions whose expiry passed and republishes their numbers (they resume). */
  async liftExpiredRestrictions(limit = 100): Promise<string[]> {
    const now = new Date(this.clock.now());
    const out: string[] = [];
    for (const wabaId of await this.repo.expiredRestrictions(now, limit)) {
      const published = await this.repo.transaction(async (m) => {
        if (!(await this.repo.clearRestriction(m, wabaId, now))) return [];
        return this.publish(m, await this.repo.bumpNumbersOfWaba(m, wabaId));
      });
      for (const id of published) this.registry.forgetNumber(id);
      out.push(...published);
    }
    return out;
  }
}
