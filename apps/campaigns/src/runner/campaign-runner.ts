import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OUTBOUND_REQUESTED_V1, OutboundRequestedV1 } from '@wabridge/contracts';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { Clock, PeriodicJob } from '@wabridge/time';
import { expandPage } from '../audience/audience-expander';
import { ContactsClient } from '../audience/contacts.client';
import { CampaignsEnv } from '../campaigns.env';
import { CLOCK } from '../campaigns.tokens';
import { CampaignRow, CampaignsRepository, PendingRecipient } from '../campaigns/campaigns.repository';
import { NumbersRepository } from '../numbers/numbers.repository';
import { pace, tierFreesAt } from '../pacing/pacer';
import { LeaderLock } from './leader-lock';

const DAY_MS = 86_400_000;
/** How long a number's "planned in 24 h" count is reused before it is counted again. */
const PLANNED_REFRESH_MS = 10_000;
/** Limits of a number not announced yet on wa.number.changed.v1: the lowest tier, a coexistence number's rate. */
const UNKNOWN_NUMBER = { tier: '250', mps: 20 };

/** The idempotency key of a campaign's message to one recipient (issue 20). */
export function campaignIdempotencyKey(campaignId: string, recipient: string): string {
  return `campaign:${campaignId}:${recipient}`;
}

/** The send command of one planned recipient. */
export function commandOf(c: CampaignRow, r: PendingRecipient, now: number): OutboundRequestedV1 {
  const template = { name: c.template.name, language: c.template.language, ...(r.parameters ? { components: r.parameters } : c.template.components ? { components: c.template.components } : {}) };
  const cmd: OutboundRequestedV1 = {
    id: r.message_id, tenantId: c.tenant_id, phoneNumberId: c.phone_number_id, type: 'template', message: { type: 'template', template },
    idempotencyKey: campaignIdempotencyKey(c.id, r.recipient), campaignId: c.id, source: 'campaign', requestedAt: new Date(now).toISOString(),
  };
  if (/^\d{5,20}$/.test(r.recipient)) cmd.to = r.recipient;
  else cmd.recipient = r.recipient;
  return cmd;
}

/**
 * Runs the campaigns (ADR 0153): every tick it starts scheduled campaigns whose time came,
 * expands audiences a few pages at a time, plans each number's next sends within its
 * throughput share and tier budget, produces them to wa.outbound.requested.v1 (our message id
 * and `campaign:<id>:<recipient>` as idempotency key, so a send produced twice — a crash
 * between the produce and the `queued` mark — is sent once) and completes campaigns with
 * nothing left. One instance runs at a time (a Postgres advisory lock held by its session;
 * another takes over within a tick when it dies). Everything it knows is in Postgres: a
 * restart continues where the stored cursor and statuses stand.
 */
@Injectable()
export class CampaignRunner implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger(CampaignRunner.name);
  private readonly job: PeriodicJob;
  private readonly contacts: ContactsClient;
  private readonly leader: LeaderLock;
  /** Pacing per number: the next free slot (ms), the planned count and when it was counted, a tier block. */
  private readonly slots = new Map<string, number>();
  private readonly planned = new Map<string, { n: number; oldest: number | null; at: number }>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly numbers: NumbersRepository,
    private readonly producer: EventProducer,
    private readonly env: CampaignsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.leader = new LeaderLock(db, `campaigns-runner:${env.DATABASE_SCHEMA}`);
    this.contacts = new ContactsClient(env.CONTACTS_URL, env.INTERNAL_TOKEN, env.CAMPAIGNS_CONTACTS_TIMEOUT_MS);
    this.job = new PeriodicJob(() => this.tick(), env.CAMPAIGNS_TICK_MS, (err) => this.log.warn(`campaign tick failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  /** Stop planning first (a tick in progress finishes), while the producer still runs. */
  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job.stop();
    await this.leader.release();
  }

  private async isLeader(): Promise<boolean> {
    const claim = await this.leader.claim();
    if (claim === 'taken') {
      // what was planned while another instance led is not ours to trust
      this.slots.clear();
      this.planned.clear();
      this.blockedUntil.clear();
    }
    return claim !== 'elsewhere';
  }

  /** One round of everything; public for tests (which drive it with a fake clock). */
  async tick(): Promise<void> {
    if (!(await this.isLeader())) return;
    const now = this.clock.now();
    const running: CampaignRow[] = [];
    for (const c of await this.campaigns.active()) {
      if (c.status === 'scheduled') {
        if ((c.start_at?.getTime() ?? 0) <= now && (await this.campaigns.transition(c.tenant_id, c.id, 'scheduled', 'running', new Date(now)))) running.push({ ...c, status: 'running' });
      } else running.push(c);
    }
    for (const c of running) {
      if (c.end_at && c.end_at.getTime() <= now) {
        // its window ended: what was not planned is skipped (the unexpanded rest never becomes recipients)
        await this.campaigns.skipPending(c.id, 'window-ended', new Date(now));
        await this.campaigns.transition(c.tenant_id, c.id, 'running', 'completed', new Date(now));
        c.status = 'completed';
        continue;
      }
      if (!c.expanded) await this.expand(c, now);
    }
    const live = running.filter((c) => c.status === 'running');
    const byNumber = new Map<string, CampaignRow[]>();
    for (const c of live) byNumber.set(c.phone_number_id, [...(byNumber.get(c.phone_number_id) ?? []), c]);
    for (const [phoneNumberId, list] of byNumber) await this.dispatch(phoneNumberId, list, now);
    for (const c of live) {
      if (c.expanded && !(await this.campaigns.hasPending(c.id))) {
        await this.campaigns.transition(c.tenant_id, c.id, 'running', 'completed', new Date(this.clock.now()));
      }
    }
  }

  private async expand(c: CampaignRow, now: number): Promise<void> {
    for (let p = 0; p < this.env.CAMPAIGNS_EXPANSION_PAGES_PER_TICK && !c.expanded; p++) {
      const page = await expandPage(c, this.contacts, this.env.CAMPAIGNS_EXPANSION_PAGE, (recipients) => this.campaigns.parametersOf(c.id, recipients));
      const added = await this.campaigns.addPage(c, page.recipients, page.next, new Date(now));
      c.expansion_step = page.next.step;
      c.expansion_cursor = page.next.cursor;
      c.expanded = page.next.expanded;
      c.total += added;
    }
  }

  private async dispatch(phoneNumberId: string, list: CampaignRow[], now: number): Promise<void> {
    if ((this.blockedUntil.get(phoneNumberId) ?? 0) > now) return;
    const number = await this.numbers.get(phoneNumberId);
    const tier = number?.tier ?? UNKNOWN_NUMBER.tier;
    const rate = ((number?.mps ?? UNKNOWN_NUMBER.mps) * this.env.CAMPAIGNS_MPS_SHARE_PERCENT) / 100;
    let planned = this.planned.get(phoneNumberId);
    if (!planned || now - planned.at > PLANNED_REFRESH_MS) {
      const portfolio = number ? await this.numbers.portfolioOf(number) : [phoneNumberId];
      const counted = await this.campaigns.plannedSince(portfolio, new Date(now - DAY_MS));
      planned = { n: counted.n, oldest: counted.oldest?.getTime() ?? null, at: now };
      this.planned.set(phoneNumberId, planned);
    }
    const p = pace({ now, nextSlotAt: this.slots.get(phoneNumberId) ?? null, ratePerSecond: rate, tier, plannedIn24h: planned.n, maxPerPlan: this.env.CAMPAIGNS_MAX_SENDS_PER_TICK });
    if (p.tierExhausted) {
      const until = planned.oldest !== null ? tierFreesAt(planned.oldest) : now + 60_000;
      this.blockedUntil.set(phoneNumberId, until);
      this.planned.delete(phoneNumberId);
      this.log.log(`number ${phoneNumberId}: tier ${tier} reached for the last 24 h; campaigns continue at ${new Date(until).toISOString()}`);
      return;
    }
    if (p.count === 0) return;
    // backpressure: no more than a few seconds of the rate may wait at the dispatcher
    const cap = Math.max(10, Math.ceil(rate * this.env.CAMPAIGNS_MAX_IN_FLIGHT_SECONDS));
    const room = cap - (await this.campaigns.inFlight(list.map((c) => c.id)));
    if (room <= 0) return;
    const pending = await this.campaigns.nextPending(list.map((c) => c.id), Math.min(p.count, room));
    if (pending.length === 0) return;
    // the status right before producing: a pause or cancel since the tick began stops it here
    const statuses = await this.campaigns.statusesOf(list.map((c) => c.id));
    const go = pending.filter((r) => statuses.get(r.campaign_id) === 'running');
    if (go.length === 0) return;
    const byId = new Map(list.map((c) => [c.id, c]));
    await Promise.all(go.map((r) => {
      const c = byId.get(r.campaign_id)!;
      return this.producer.send(contractEvent(OUTBOUND_REQUESTED_V1, phoneNumberId, commandOf(c, r, now), { tenantId: c.tenant_id }));
    }));
    await this.campaigns.markQueued(go, new Date(now));
    this.slots.set(phoneNumberId, p.from + go.length * p.interval);
    planned.n += go.length;
    planned.oldest ??= now;
  }
}
