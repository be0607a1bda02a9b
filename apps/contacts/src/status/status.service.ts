import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { STATUS_UPDATED_V1, StatusUpdatedV1 } from '@wabridge/contracts';
import { OutgoingEvent } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { CLOCK, Clock } from '../common/clock';
import { sendingState } from '../contacts/contact.model';
import { ContactEventsPublisher } from '../contacts/contact-events.publisher';
import { ContactsRepository } from '../contacts/contacts.repository';
import type { Queryable } from '@wabridge/database';
import { applyReachability, blankContact, e164FromWaId, UNDELIVERABLE_CODE } from '../inbound/inbound.logic';
import { TenantResolver } from '../numbers/tenant-resolver';

const reachability = counter('contacts_reachability_changes_total', 'Contacts marked (un)reachable from statuses', ['reachable']);

/**
 * Reachability from `wa.status.updated.v1`: a failed status with 131026 (message undeliverable:
 * not on WhatsApp, old app, or not accepted terms) marks the contact unreachable; a later
 * delivered/read/played status proves it reachable again. Other statuses are not contacts' concern.
 */
@Injectable()
export class StatusService {
  constructor(
    private readonly ds: DataSource,
    private readonly contacts: ContactsRepository,
    private readonly tenants: TenantResolver,
    private readonly publisher: ContactEventsPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  static verdict(event: StatusUpdatedV1): boolean | undefined {
    if (event.status === 'failed' && (event.errors ?? []).some((e) => e.code === UNDELIVERABLE_CODE)) return false;
    if (event.status === 'delivered' || event.status === 'read' || event.status === 'played') return true;
    return undefined;
  }

  async apply(tenantId: string, event: StatusUpdatedV1): Promise<void> {
    const reachable = StatusService.verdict(event);
    if (reachable === undefined) return;
    const now = this.clock.now();
    const events = await this.ds.transaction(async (em) => {
      const events = await this.applyIn(em, tenantId, event, reachable, now);
      await this.publisher.send(events); // acknowledged before COMMIT: a redelivery finds nothing to change (ADR 0024)
      return events;
    });
    if (events.length > 0) reachability.inc({ reachable: String(reachable) });
  }

  /**
   * A consumed batch in one transaction: the identity locks of all its recipients in one sorted
   * acquisition, the statuses applied in order (each sees the ones before it), and the changes
   * published together before COMMIT (ADR 0025). Most statuses change nothing and cost one
   * lookup each.
   */
  async handleBatch(statuses: StatusUpdatedV1[]): Promise<void> {
    const ready: { tenantId: string; event: StatusUpdatedV1; reachable: boolean }[] = [];
    for (const event of statuses) {
      const reachable = StatusService.verdict(event);
      if (reachable === undefined || (!event.recipientId && !event.recipientUserId)) continue;
      const tenantId = await this.tenants.resolveOrPark(STATUS_UPDATED_V1.topic, event.phoneNumberId, `${event.wamid}:${event.status}`, event);
      if (tenantId) ready.push({ tenantId, event, reachable });
    }
    if (ready.length === 0) return;
    const now = this.clock.now();
    const changes = await this.ds.transaction(async (em) => {
      const keys = ready.flatMap(({ tenantId, event }) =>
        [event.recipientId, event.recipientUserId].filter((x): x is string => !!x).map((id) => `${tenantId}:${event.phoneNumberId}:${id}`));
      await this.contacts.lockIdentityKeys(em, keys, []);
      const changes: { reachable: boolean; events: OutgoingEvent[] }[] = [];
      for (const { tenantId, event, reachable } of ready) {
        const events = await this.applyIn(em, tenantId, event, reachable, now);
        if (events.length > 0) changes.push({ reachable, events });
      }
      await this.publisher.send(changes.flatMap((c) => c.events)); // acknowledged before COMMIT (ADR 0024)
      return changes;
    });
    for (const c of changes) reachability.inc({ reachable: String(c.reachable) });
  }

  /** The change one status makes (written; its events returned for the caller to publish before COMMIT). */
  private async applyIn(em: Queryable, tenantId: string, event: StatusUpdatedV1, reachable: boolean, now: Date): Promise<OutgoingEvent[]> {
    const at = new Date(event.occurredAt);
    const pn = event.phoneNumberId;
    const ids = { waId: event.recipientId, userId: event.recipientUserId };
    await this.contacts.lockIdentities(em, tenantId, pn, [ids.waId, ids.userId]);
    const { byWaId, byUserId } = await this.contacts.findForUpdate(em, tenantId, pn, ids);
    const found = byWaId ?? byUserId;
    if (!found) {
      if (reachable) return [];
      // Unknown recipient (e.g. sent from a CRM list): remember it so the dispatcher stops trying.
      const created = {
        ...blankContact(ulid(), tenantId, pn, now), waId: ids.waId ?? null, userId: ids.userId ?? null,
        phoneE164: e164FromWaId(ids.waId), reachable: false, reachabilityAt: at,
      };
      await this.contacts.insert(em, created);
      return this.publisher.changedEvents(created, now);
    }
    if (found.reachable === reachable) return [];
    const next = applyReachability(found, reachable, at, now);
    if (sendingState(next) === sendingState(found)) return [];
    await this.contacts.update(em, next);
    return this.publisher.changedEvents(next, now);
  }
}
