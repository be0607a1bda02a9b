import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@wabridge/http';
import { KafkaUnavailableError } from '@wabridge/kafka';
import { normalizePhone } from '../import/import-row';
import { CLOCK, Clock } from '../common/clock';
import { ContactsEnv } from '../contacts.env';
import { attributesSize, Contact, contactKey, normalizeTags, patchAttributes } from './contact.model';
import { ContactEventsPublisher } from './contact-events.publisher';
import { contactView, ContactView } from './contact.view';
import { ParkedEventsRepository } from '../numbers/parked-events.repository';
import { ContactFilter, ContactsRepository } from './contacts.repository';
import { ListContactsQuery, PatchContactBody } from './dto/contacts.dto';
import { MAX_TAGS, validateTag } from './tags';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ULID.test(id)) throw ApiError.badRequest('cursor: not a cursor returned by this API');
  return id;
}

/** Contact book use cases behind the internal API; every call is scoped by the caller's tenant. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ContactsRepository,
    private readonly publisher: ContactEventsPublisher,
    private readonly parked: ParkedEventsRepository,
    private readonly env: ContactsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(tenantId: string, q: ListContactsQuery): Promise<{ data: ContactView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    let attribute: ContactFilter['attribute'];
    if (q.attribute) {
      const i = q.attribute.indexOf(':');
      attribute = { key: q.attribute.slice(0, i), value: q.attribute.slice(i + 1) };
    }
    const filter: ContactFilter = {
      phoneNumberId: q.phoneNumberId, waId: q.waId, userId: q.userId, tag: q.tag, attribute,
      optedOut: q.optedOut === undefined ? undefined : q.optedOut === 'true',
      windowOpen: q.windowOpen === undefined ? undefined : q.windowOpen === 'true',
    };
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.repo.list(this.ds, tenantId, filter, this.clock.now(), after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(contactView), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  async findByPhone(tenantId: string, phoneNumberId: string, phone: string): Promise<ContactView> {
    const p = normalizePhone(phone);
    const [c] = p ? await this.repo.list(this.ds, tenantId, { phoneNumberId, waId: p.waId }, this.clock.now(), undefined, 1) : [];
    if (!c) throw ApiError.notFound('contact');
    return contactView(c);
  }

  async get(tenantId: string, id: string): Promise<ContactView> {
    return contactView(await this.require(tenantId, id));
  }

  async patch(tenantId: string, id: string, body: PatchContactBody): Promise<ContactView> {
    if (body.tags) {
      for (const t of body.tags) {
        const problem = validateTag(t);
        if (problem) throw ApiError.badRequest(`tags: ${problem}`);
      }
      if (normalizeTags(body.tags).length > MAX_TAGS) throw ApiError.badRequest(`tags: at most ${MAX_TAGS}`);
    }
    const updated = await this.ds.transaction(async (em) => {
      const c = await this.repo.get(em, tenantId, id, true);
      if (!c) throw ApiError.notFound('contact');
      const next: Contact = { ...c, updatedAt: this.clock.now() };
      if (body.attributes) {
        next.attributes = patchAttributes(c.attributes, body.attributes);
        const size = attributesSize(next.attributes);
        if (size > this.env.CONTACTS_MAX_ATTRIBUTES_BYTES) {
          throw ApiError.badRequest(`attributes: ${size} bytes, at most ${this.env.CONTACTS_MAX_ATTRIBUTES_BYTES} allowed`);
        }
      }
      if (body.tags) next.tags = normalizeTags(body.tags);
      if (body.profileName !== undefined) next.profileName = body.profileName;
      await this.repo.update(em, next);
      return next;
    });
    return contactView(updated);
  }

  /**
   * Explicit opt-out/opt-in through the API. The state is published every time (even when
   * unchanged), so a client retrying after a 503 still gets the event out.
   */
  async setOpt(tenantId: string, id: string, optedOut: boolean): Promise<ContactView> {
    const now = this.clock.now();
    const c = await this.ds.transaction(async (em) => {
      const found = await this.repo.get(em, tenantId, id, true);
      if (!found) throw ApiError.notFound('contact');
      const state = optedOut ? 'opted_out' : 'opted_in';
      if (found.optInState === state && found.optedOut === optedOut) return found;
      const next: Contact = { ...found, optedOut, optInState: state, optSource: 'api', optChangedAt: now, updatedAt: now };
      await this.repo.update(em, next);
      await this.repo.addOptEvent(em, tenantId, id, { state, source: 'api', wamid: null, at: now });
      return next;
    });
    await this.publish(() => this.publisher.send(this.publisher.changedEvents(c, now)));
    return contactView(c);
  }

  /**
   * GDPR erasure: the row and its history go; the forget/erased events are acknowledged by
   * Kafka before the delete commits, so a failed publish leaves the contact in place (503) and
   * a retry erases it — the event is never lost after the data is gone. `wa.contact.erased.v1`
   * carries whether the contact had opted out, so the dispatcher keeps refusing sends to the
   * number by a keyed hash (ADR 0075); the gateway and dispatcher scrub their own copies.
   */
  async erase(tenantId: string, id: string): Promise<void> {
    await this.publish(() =>
      this.ds.transaction(async (em) => {
        const c = await this.repo.get(em, tenantId, id, true);
        if (!c) throw ApiError.notFound('contact');
        await this.repo.delete(em, tenantId, id);
        await this.parked.eraseMentioning(em, c.phoneNumberId, [c.waId, c.userId, c.phoneE164].filter((v): v is string => !!v));
        await this.publisher.send(this.publisher.erasedEvents(c, this.clock.now()));
      }),
    );
  }

  /** GDPR access: everything this service holds about the contact. */
  async export(tenantId: string, id: string) {
    const c = await this.require(tenantId, id);
    const [optHistory, inbound] = await Promise.all([
      this.repo.optHistory(this.ds, tenantId, id),
      this.repo.inboundHistory(this.ds, tenantId, id),
    ]);
    return {
      exportedAt: this.clock.now().toISOString(),
      contact: { ...contactView(c), tenantId: c.tenantId, reachabilityAt: c.reachabilityAt?.toISOString() ?? null },
      sendingKeys: [contactKey(c), ...(c.waId && c.userId ? [contactKey({ ...c, waId: null })] : [])],
      optHistory: optHistory.map((e) => ({ state: e.state, source: e.source, wamid: e.wamid, at: new Date(e.at).toISOString() })),
      inboundMessages: inbound.map((m) => ({
        wamid: m.wamid, type: m.type, occurredAt: new Date(m.occurredAt).toISOString(), processedAt: new Date(m.processedAt).toISOString(),
      })),
    };
  }

  private async require(tenantId: string, id: string): Promise<Contact> {
    const c = ULID.test(id) ? await this.repo.get(this.ds, tenantId, id) : undefined;
    if (!c) throw ApiError.notFound('contact');
    return c;
  }

  private async publish<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof KafkaUnavailableError) throw ApiError.unavailable('event bus unavailable, retry');
      throw err;
    }
  }
}
