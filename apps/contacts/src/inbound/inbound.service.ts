import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { OutgoingEvent } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { CLOCK, Clock } from '../common/clock';
import { Contact, mergeContacts, sendingState } from '../contacts/contact.model';
import { ContactEventsPublisher } from '../contacts/contact-events.publisher';
import { ContactsRepository } from '../contacts/contacts.repository';
import { TenantResolver } from '../numbers/tenant-resolver';
import { matchKeyword, userText } from '../settings/keywords';
import { SettingsRepository } from '../settings/settings.repository';
import { applyInbound, blankContact, changedNumberTo, e164FromWaId } from './inbound.logic';

const processed = counter('contacts_inbound_processed_total', 'Inbound messages applied to contacts', ['outcome']);

/** Applies `wa.inbound.message.v1` to the contact book (idempotent by wamid). */
@Injectable()
export class InboundService {
  private readonly log = new Logger(InboundService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly contacts: ContactsRepository,
    private readonly settings: SettingsRepository,
    private readonly tenants: TenantResolver,
    private readonly publisher: ContactEventsPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: InboundMessageV1): Promise<void> {
    const tenantId = await this.tenants.resolveOrPark(INBOUND_MESSAGE_V1.topic, event.phoneNumberId, event.wamid, event);
    if (!tenantId) {
      processed.inc({ outcome: 'parked' });
      this.log.warn(`parked inbound ${event.wamid}: number ${event.phoneNumberId} has no known tenant yet`);
      return;
    }
    await this.apply(tenantId, event);
  }

  async apply(tenantId: string, event: InboundMessageV1): Promise<void> {
    if (!event.waId && !event.userId) {
      processed.inc({ outcome: 'no_sender' });
      return; // nothing identifies a user (not seen from Meta; kept by the other consumers)
    }
    const now = this.clock.now();
    const pn = event.phoneNumberId;
    const keywords = await this.settings.keywordSet(this.ds, tenantId);
    const keyword = matchKeyword(userText(event.type, event.raw), keywords);
    const newWaId = changedNumberTo(event.type, event.raw);

    const result = await this.ds.transaction(async (em): Promise<{ events: OutgoingEvent[] } | { duplicateOf: string }> => {
      const done = await this.contacts.lockIdentities(em, tenantId, pn, [event.waId, event.userId, newWaId], event.wamid);
      if (done) return { duplicateOf: done };
      const { byWaId, byUserId } = await this.contacts.findForUpdate(em, tenantId, pn, { waId: event.waId, userId: event.userId });
      const events: OutgoingEvent[] = [];
      const found = byWaId ?? byUserId;
      const before = found ? sendingState(found) : undefined;
      let contact: Contact;
      let identityChanged = false;
      if (byWaId && byUserId && byWaId.id !== byUserId.id) {
        // A BSUID-only contact turns out to be this phone's user: one contact, not two.
        contact = mergeContacts(byWaId, { ...byUserId, waId: null });
        if (byUserId.waId && byUserId.waId !== byWaId.waId) events.push(this.publisher.forgetEvent({ ...byUserId, userId: null }, now));
        await this.contacts.moveHistory(em, tenantId, byUserId.id, byWaId.id);
        await this.contacts.delete(em, tenantId, byUserId.id);
        identityChanged = true;
      } else if (found) {
        contact = found;
        if (event.waId && found.waId && found.waId !== event.waId) {
          // Same BSUID, new phone: the old phone key no longer reaches this user.
          events.push(this.publisher.forgetEvent({ ...found, userId: null }, now));
          contact = { ...found, waId: event.waId, phoneE164: e164FromWaId(event.waId) };
          identityChanged = true;
        } else if ((event.waId && !found.waId) || (event.userId && !found.userId)) {
          identityChanged = true;
        }
      } else {
        contact = blankContact(ulid(), tenantId, pn, now);
      }
      const isNew = !found;

      if (newWaId && contact.waId !== newWaId) {
        // `system` user_changed_number: the contact moves to the new number.
        const { byWaId: target } = await this.contacts.findForUpdate(em, tenantId, pn, { waId: newWaId });
        if (contact.waId) events.push(this.publisher.forgetEvent({ ...contact, userId: null }, now));
        if (target && target.id !== contact.id) {
          if (!isNew) {
            await this.contacts.moveHistory(em, tenantId, contact.id, target.id);
            await this.contacts.delete(em, tenantId, contact.id);
          }
          contact = isNew ? target : mergeContacts(target, { ...contact, waId: null });
          return this.finish(em, tenantId, event, contact, false, keyword, now, events, true);
        }
        contact = { ...contact, waId: newWaId, phoneE164: e164FromWaId(newWaId) };
        identityChanged = true;
      }
      return this.finish(em, tenantId, event, contact, isNew, keyword, now, events, identityChanged, before);
    });

    if ('duplicateOf' in result) {
      // Redelivery (e.g. a crash after commit, before the publish): publish the current state again.
      const current = await this.contacts.getAny(this.ds, result.duplicateOf);
      if (current) await this.publisher.send(this.publisher.changedEvents(current, now));
      processed.inc({ outcome: 'duplicate' });
      return;
    }
    processed.inc({ outcome: 'applied' });
  }

  private async finish(
    em: { query<T>(sql: string, p?: unknown[]): Promise<T> },
    tenantId: string,
    event: InboundMessageV1,
    contact: Contact,
    isNew: boolean,
    keyword: ReturnType<typeof matchKeyword>,
    now: Date,
    events: OutgoingEvent[],
    identityChanged: boolean,
    before?: string,
  ): Promise<{ events: OutgoingEvent[] }> {
    const { contact: next, optChange } = applyInbound(
      contact,
      {
        wamid: event.wamid, type: event.type, waId: event.waId, userId: event.userId, parentUserId: event.parentUserId,
        username: event.username, profileName: event.profileName, occurredAt: new Date(event.occurredAt), keyword,
      },
      now,
    );
    if (isNew || identityChanged || before !== sendingState(next)) events.push(...this.publisher.changedEvents(next, now));
    // The publish runs while the rows are written and is acknowledged before COMMIT: a failed
    // publish rolls the change back (the transport retries), and a commit that fails after a
    // publish is retried and publishes again (compacted state; ADR 0024). Overlapping the two
    // saves one Kafka round trip per message.
    const published = this.publisher.send(events);
    published.catch(() => undefined); // observed below; this only keeps a write error from leaving it unhandled
    if (isNew) await this.contacts.insert(em, next);
    else await this.contacts.update(em, next);
    if (optChange) {
      await this.contacts.addOptEvent(em, tenantId, next.id, { state: optChange.state, source: optChange.source, wamid: event.wamid, at: optChange.at });
    }
    await this.contacts.recordProcessed(em, tenantId, event.wamid, next.id, event.type, new Date(event.occurredAt), now);
    await published;
    return { events };
  }
}

