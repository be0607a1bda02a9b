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
import { KeywordMatch, matchKeyword, userText } from '../settings/keywords';
import { SettingsRepository } from '../settings/settings.repository';
import type { Queryable } from '@wabridge/database';
import { applyInbound, blankContact, changedNumberTo, e164FromWaId, InboundFacts } from './inbound.logic';

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

  async apply(tenantId: string, event: InboundMessageV1): Promise<void> {
    if (!event.waId && !event.userId) {
      processed.inc({ outcome: 'no_sender' });
      return; // nothing identifies a user (not seen from Meta; kept by the other consumers)
    }
    const now = this.clock.now();
    const keywords = await this.settings.keywordSet(this.ds, tenantId);
    const keyword = matchKeyword(userText(event.type, event.raw), keywords);
    const newWaId = changedNumberTo(event.type, event.raw);

    const result = await this.ds.transaction((em) => this.applyIn(em, tenantId, event, keyword, newWaId, now));

    if ('duplicateOf' in result) {
      // Redelivery (e.g. a crash after commit, before the publish): publish the current state again.
      const current = await this.contacts.getAny(this.ds, result.duplicateOf);
      if (current) await this.publisher.send(this.publisher.changedEvents(current, now));
      processed.inc({ outcome: 'duplicate' });
      return;
    }
    processed.inc({ outcome: 'applied' });
  }

  /**
   * Applies a consumed batch (one partition, in offset order) in one transaction: the identity
   * locks of the whole batch in one sorted acquisition, every contact involved loaded with one
   * query, the messages applied in memory in order, then one upsert of the changed contacts,
   * one insert of the idempotency rows and of the opt events, and one publish of the contacts'
   * final states acknowledged before COMMIT (ADR 0025). Identity changes (merges, a BSUID on a
   * new phone, `user_changed_number`) take the per-message path inside the same transaction,
   * after what came before them was written.
   */
  async handleBatch(events: InboundMessageV1[]): Promise<void> {
    const ready: { tenantId: string; event: InboundMessageV1 }[] = [];
    for (const event of events) {
      const tenantId = await this.tenants.resolveOrPark(INBOUND_MESSAGE_V1.topic, event.phoneNumberId, event.wamid, event);
      if (!tenantId) {
        processed.inc({ outcome: 'parked' });
        this.log.warn(`parked inbound ${event.wamid}: number ${event.phoneNumberId} has no known tenant yet`);
      } else if (!event.waId && !event.userId) {
        processed.inc({ outcome: 'no_sender' });
      } else {
        ready.push({ tenantId, event });
      }
    }
    if (ready.length === 0) return;
    if (ready.length === 1) return this.apply(ready[0]!.tenantId, ready[0]!.event);

    const now = this.clock.now();
    const prepared: Prepared[] = [];
    for (const { tenantId, event } of ready) {
      const keywords = await this.settings.keywordSet(this.ds, tenantId);
      prepared.push({
        tenantId, event, keyword: matchKeyword(userText(event.type, event.raw), keywords), newWaId: changedNumberTo(event.type, event.raw),
      });
    }
    const identities = prepared.flatMap((p) => [
      { tenantId: p.tenantId, phoneNumberId: p.event.phoneNumberId, waId: p.event.waId, userId: p.event.userId },
      ...(p.newWaId ? [{ tenantId: p.tenantId, phoneNumberId: p.event.phoneNumberId, waId: p.newWaId }] : []),
    ]);

    const outcome = await this.ds.transaction(async (em) => {
      const keys = identities.flatMap((i) => [i.waId, i.userId].filter((x): x is string => !!x).map((id) => `${i.tenantId}:${i.phoneNumberId}:${id}`));
      const done = await this.contacts.lockIdentityKeys(em, keys, prepared.map((p) => p.event.wamid));
      const book = new BatchBook(await this.contacts.findManyForUpdate(em, identities));
      const seen = new Map<string, string>(done);
      const duplicates = new Set<string>();
      let applied = 0;
      for (const p of prepared) {
        const before = seen.get(p.event.wamid);
        if (before) {
          duplicates.add(before);
          continue;
        }
        let contactId = this.applyInMemory(book, p, now);
        if (!contactId) {
          await this.flush(em, book, now);
          const r = await this.applyIn(em, p.tenantId, p.event, p.keyword, p.newWaId, now);
          if ('duplicateOf' in r) {
            duplicates.add(r.duplicateOf);
            continue;
          }
          contactId = r.contactId;
          book.reset(await this.contacts.findManyForUpdate(em, identities));
        }
        seen.set(p.event.wamid, contactId);
        applied++;
      }
      await this.flush(em, book, now);
      return { applied, duplicates: [...duplicates] };
    });

    if (outcome.duplicates.length > 0) {
      // Redeliveries: publish the current state again (as the single-message path does).
      const current = await this.contacts.getMany(this.ds, outcome.duplicates);
      await this.publisher.send(current.flatMap((c) => this.publisher.changedEvents(c, now)));
    }
    processed.inc({ outcome: 'applied' }, outcome.applied);
    processed.inc({ outcome: 'duplicate' }, prepared.length - outcome.applied);
  }

  /**
   * One message of a batch applied to the in-memory contacts, when it changes no identity of an
   * existing contact; undefined when it needs the per-message path (merge, new phone for a
   * BSUID, number change) — the same cases, decided the same way, as in applyIn.
   */
  private applyInMemory(book: BatchBook, p: Prepared, now: Date): string | undefined {
    const { tenantId, event } = p;
    const pn = event.phoneNumberId;
    const byWaId = event.waId ? book.find(tenantId, pn, (c) => c.waId === event.waId) : undefined;
    const byUserId = event.userId ? book.find(tenantId, pn, (c) => c.userId === event.userId) : undefined;
    if (byWaId && byUserId && byWaId !== byUserId) return undefined;
    const found = byWaId ?? byUserId;
    if (found && event.waId && found.contact.waId && found.contact.waId !== event.waId) return undefined;
    if (p.newWaId && (found?.contact.waId ?? null) !== p.newWaId) return undefined;

    const entry = found ?? book.add(blankContact(ulid(), tenantId, pn, now));
    const before = found ? sendingState(found.contact) : undefined;
    const identityChanged = !!found && ((!!event.waId && !found.contact.waId) || (!!event.userId && !found.contact.userId));
    const { contact: next, optChange } = applyInbound(entry.contact, facts(event, p.keyword), now);
    if (!found || identityChanged || before !== sendingState(next)) entry.publish = true;
    entry.contact = next;
    entry.dirty = true;
    book.processed.push({ tenantId, wamid: event.wamid, contactId: next.id, type: event.type, occurredAt: new Date(event.occurredAt) });
    if (optChange) {
      book.optEvents.push({ tenantId, contactId: next.id, state: optChange.state, source: optChange.source, wamid: event.wamid, at: optChange.at });
    }
    return next.id;
  }

  /** Writes what the batch changed so far; its ContactChangedV1 are acknowledged before this returns (before COMMIT). */
  private async flush(em: Queryable, book: BatchBook, now: Date): Promise<void> {
    const dirty = book.entries().filter((e) => e.dirty);
    if (dirty.length === 0) return;
    const published = this.publisher.send(dirty.filter((e) => e.publish).flatMap((e) => this.publisher.changedEvents(e.contact, now)));
    published.catch(() => undefined); // observed below (overlapped with the writes, as in finish)
    await this.contacts.upsertMany(em, dirty.map((e) => e.contact));
    await this.contacts.recordProcessedMany(em, book.processed, now);
    await this.contacts.addOptEvents(em, book.optEvents);
    await published;
    for (const e of dirty) {
      e.dirty = false;
      e.publish = false;
    }
    book.processed = [];
    book.optEvents = [];
  }

  private async applyIn(
    em: Queryable, tenantId: string, event: InboundMessageV1, keyword: KeywordMatch, newWaId: string | undefined, now: Date,
  ): Promise<{ events: OutgoingEvent[]; contactId: string } | { duplicateOf: string }> {
    const pn = event.phoneNumberId;
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
  }

  private async finish(
    em: Queryable,
    tenantId: string,
    event: InboundMessageV1,
    contact: Contact,
    isNew: boolean,
    keyword: KeywordMatch,
    now: Date,
    events: OutgoingEvent[],
    identityChanged: boolean,
    before?: string,
  ): Promise<{ events: OutgoingEvent[]; contactId: string }> {
    const { contact: next, optChange } = applyInbound(contact, facts(event, keyword), now);
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
    return { events, contactId: next.id };
  }
}

interface Prepared {
  tenantId: string;
  event: InboundMessageV1;
  keyword: KeywordMatch;
  newWaId: string | undefined;
}

function facts(event: InboundMessageV1, keyword: KeywordMatch): InboundFacts {
  return {
    wamid: event.wamid, type: event.type, waId: event.waId, userId: event.userId, parentUserId: event.parentUserId,
    username: event.username, profileName: event.profileName, occurredAt: new Date(event.occurredAt), keyword,
  };
}

interface BookEntry {
  contact: Contact;
  /** Changed since the last flush. */
  dirty: boolean;
  /** Its sending state (or identity) changed since the last flush: publish ContactChangedV1. */
  publish: boolean;
}

/** The contacts a batch touches, held (and locked) in memory while the batch is applied in order. */
class BatchBook {
  private byId = new Map<string, BookEntry>();
  processed: { tenantId: string; wamid: string; contactId: string; type: string; occurredAt: Date }[] = [];
  optEvents: { tenantId: string; contactId: string; state: string; source: string; wamid: string; at: Date }[] = [];

  constructor(contacts: Contact[]) {
    this.reset(contacts);
  }

  /** After a per-message step wrote to the database (everything before it was flushed). */
  reset(contacts: Contact[]): void {
    this.byId = new Map(contacts.map((c) => [c.id, { contact: c, dirty: false, publish: false }]));
  }

  find(tenantId: string, phoneNumberId: string, match: (c: Contact) => boolean): BookEntry | undefined {
    for (const e of this.byId.values()) {
      if (e.contact.tenantId === tenantId && e.contact.phoneNumberId === phoneNumberId && match(e.contact)) return e;
    }
    return undefined;
  }

  add(contact: Contact): BookEntry {
    const entry = { contact, dirty: true, publish: true };
    this.byId.set(contact.id, entry);
    return entry;
  }

  entries(): BookEntry[] {
    return [...this.byId.values()];
  }
}

