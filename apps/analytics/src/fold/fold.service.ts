import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountEventV1, InboundMessageV1, OutboundEventV1, OutboundRequestedV1, StatusUpdatedV1 } from '@wabridge/contracts';
import { counter } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { CLOCK } from '../analytics.tokens';
import { digitsOf, NumbersRepository, QualityEvent } from '../numbers/numbers.repository';
import { FoldRepository, KeyedCount } from './fold.repository';
import { Observation, observeOutbound, observeRequest, observeStatus } from './message-fact';

const folded = counter<'topic'>('analytics_events_folded_total', 'Events folded into rollups (duplicates included: they fold to nothing)', ['topic']);
const skipped = counter<'topic' | 'reason'>(
  'analytics_events_skipped_total',
  'Events that cannot be attributed to a tenant (a number no tenant had registered when ingress normalized it; ADR 0090)',
  ['topic', 'reason'],
);
const increments = counter<'topic'>('analytics_rollup_increments_total', 'Counter increments written after dedupe', ['topic']);

/**
 * Turns batches of events into rollups (ADR 0120). Each topic's batch is one transaction; an
 * event without a tenant is counted as skipped (never guessed: ADR 0090).
 */
@Injectable()
export class FoldService {
  private readonly log = new Logger('AnalyticsFold');

  constructor(
    private readonly repo: FoldRepository,
    private readonly numbers: NumbersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async outboundEvents(events: OutboundEventV1[]): Promise<void> {
    await this.messages('outbound-events', events.map(observeOutbound));
    folded.inc({ topic: 'outbound-events' }, events.length);
  }

  async outboundRequests(requests: OutboundRequestedV1[]): Promise<void> {
    await this.messages('outbound-requested', requests.map(observeRequest).filter((o): o is Observation => o !== undefined));
    folded.inc({ topic: 'outbound-requested' }, requests.length);
  }

  async statuses(events: StatusUpdatedV1[]): Promise<void> {
    const observations: Observation[] = [];
    for (const ev of events) {
      if (!ev.tenantId) { skipped.inc({ topic: 'status', reason: 'no-tenant' }); continue; }
      observations.push(observeStatus(ev, ev.tenantId));
    }
    await this.messages('status', observations);
    folded.inc({ topic: 'status' }, events.length);
  }

  async inbound(events: InboundMessageV1[]): Promise<void> {
    const items: KeyedCount[] = [];
    for (const ev of events) {
      if (!ev.tenantId) { skipped.inc({ topic: 'inbound', reason: 'no-tenant' }); continue; }
      items.push({ tenantId: ev.tenantId, key: `in:${ev.wamid}`, count: { phoneNumberId: ev.phoneNumberId, at: Date.parse(ev.occurredAt), metric: 'inbound', dims: [ev.type] } });
    }
    const r = await this.repo.foldKeyed(items, new Date(this.clock.now()));
    folded.inc({ topic: 'inbound' }, events.length);
    increments.inc({ topic: 'inbound' }, r.increments);
  }

  /**
   * Account events name a WABA (and sometimes a number), not a tenant (ADR 0090): counted for
   * the tenant owning the number, or for each tenant with a number in that WABA.
   */
  async accountEvents(events: AccountEventV1[]): Promise<void> {
    const owners = await this.numbers.ownersOf(events.map((e) => ({ wabaId: e.wabaId, phoneNumberId: e.phoneNumberId })));
    const items: KeyedCount[] = [];
    for (const ev of events) {
      const tenants = ev.phoneNumberId ? owners.byNumber.get(ev.phoneNumberId) : owners.byWaba.get(ev.wabaId);
      if (!tenants || tenants.length === 0) { skipped.inc({ topic: 'account', reason: 'no-tenant' }); continue; }
      for (const tenantId of tenants) {
        items.push({
          tenantId, key: `acct:${ev.eventId}`,
          count: { phoneNumberId: ev.phoneNumberId ?? '', at: Date.parse(ev.occurredAt), metric: 'account_event', dims: [ev.field.slice(0, 64), ev.kind.slice(0, 64), (ev.event ?? '').slice(0, 64)] },
        });
      }
    }
    await this.numbers.recordQuality(events.flatMap(qualityOf));
    const r = await this.repo.foldKeyed(items, new Date(this.clock.now()));
    folded.inc({ topic: 'account' }, events.length);
    increments.inc({ topic: 'account' }, r.increments);
  }

  private async messages(topic: string, observations: Observation[]): Promise<void> {
    const useful = observations.filter((o) => Object.keys(o.at).length > 0 || o.template || o.pricing || o.campaignId);
    if (useful.length === 0) return;
    const r = await this.repo.foldMessages(useful, new Date(this.clock.now()));
    increments.inc({ topic }, r.increments);
    if (r.samples > 0) this.log.debug(`${topic}: ${r.increments} increments, ${r.samples} latency samples`);
  }
}

/** A `phone_number_quality_update` as the number's latest quality (ADR 0124); Meta names the number by its display number. */
function qualityOf(ev: AccountEventV1): QualityEvent[] {
  if (ev.kind !== 'phone-quality') return [];
  const display = typeof ev.value.display_phone_number === 'string' ? digitsOf(ev.value.display_phone_number) : '';
  const ref = ev.phoneNumberId ?? display;
  const at = new Date(ev.occurredAt);
  if (!ref || Number.isNaN(at.getTime())) return [];
  const limit = ev.value.current_limit;
  return [{ wabaId: ev.wabaId, ref, event: (ev.event ?? '').slice(0, 64) || null, currentLimit: typeof limit === 'string' ? limit.slice(0, 64) : null, at }];
}
