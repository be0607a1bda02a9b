import { ulid } from 'ulid';
import type { Audience, CampaignRow, NewRecipient } from '../campaigns/campaigns.repository';
import { AudienceContact, ContactsClient } from './contacts.client';
import { matchesRest, SegmentFilter } from '../segments/segment-filter';
import { hasPlaceholders, renderComponents, usesCsv } from './template-parameters';

/** The uploaded CSV rows of some recipients (wa_id → column → value), for `{{csv.x}}` placeholders. */
export type CsvRowsOf = (recipients: string[]) => Promise<Map<string, Record<string, string>>>;

/**
 * The contacts filter of an audience: its segment's (with the audience's tags added), or its
 * tags alone; none when the audience only lists recipients.
 */
export function filterOf(audience: Audience): SegmentFilter | null {
  if (audience.segment) return { ...audience.segment.filter, tags: [...(audience.segment.filter.tags ?? []), ...(audience.tags ?? [])] };
  return audience.tags?.length ? { tags: audience.tags } : null;
}

/** The expansion's phases, in order: the filter (segment or tags, paged), the listed contact ids, the listed wa_ids. */
export const STEP_TAGS = 0;
export const STEP_CONTACT_IDS = 1;
export const STEP_WA_IDS = 2;
export const STEP_DONE = 3;

export interface ExpandedPage {
  recipients: NewRecipient[];
  next: { step: number; cursor: string | null; expanded: boolean };
}

/** A contact as one recipient of the campaign: pending, or skipped with the reason (opt-out at expansion, a missing parameter). */
export function recipientOf(contact: AudienceContact, components: unknown[] | undefined): NewRecipient | null {
  const recipient = contact.waId ?? contact.userId ?? null;
  if (!recipient) return null;
  const base = { recipient, contactId: contact.id, messageId: ulid() };
  if (contact.optedOut) return { ...base, status: 'skipped', reason: 'opted-out' };
  if (contact.reachable === false) return { ...base, status: 'skipped', reason: 'not-on-whatsapp' };
  const rendered = renderComponents(components, contact);
  if (!rendered.ok) return { ...base, status: 'skipped', reason: `missing-parameter:${rendered.missing}` };
  return hasPlaceholders(components) ? { ...base, status: 'pending', parameters: rendered.components } : { ...base, status: 'pending' };
}

function nextStep(audience: Audience, after: number): number {
  for (let s = after + 1; s < STEP_DONE; s++) {
    if (s === STEP_TAGS && filterOf(audience)) return s;
    if (s === STEP_CONTACT_IDS && audience.contactIds?.length) return s;
    if (s === STEP_WA_IDS && audience.waIds?.length) return s;
  }
  return STEP_DONE;
}

/** The first step of an audience (the one that has something to expand). */
export function firstStep(audience: Audience): number {
  return nextStep(audience, -1);
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k]!);
    }
  }));
  return out;
}

/**
 * Expands one page of a campaign's audience from where the stored cursor left off (streamed:
 * one page in memory at a time; ADR 0152). Recipients are keyed by wa_id (or the BSUID), so a
 * contact met twice (tagged and listed) is one recipient.
 */
export async function expandPage(c: CampaignRow, contacts: ContactsClient, pageSize: number, csvRowsOf?: CsvRowsOf): Promise<ExpandedPage> {
  const page = await expandContacts(c, contacts, pageSize);
  if (!csvRowsOf || !usesCsv(c.template.components)) return page;
  // `{{csv.x}}`: each pending recipient rendered again with its CSV row (one query per page)
  const rows = await csvRowsOf(page.recipients.filter((r) => r.status === 'pending').map((r) => r.recipient));
  return { ...page, recipients: page.recipients.map((r) => (r.status === 'pending' ? withCsv(r, c.template.components, rows.get(r.recipient)) : r)) };
}

function withCsv(r: NewRecipient, components: unknown[] | undefined, csv: Record<string, string> | undefined): NewRecipient {
  // the contact's own fields were rendered already; what is left are the csv placeholders
  const rendered = renderComponents((r.parameters as unknown[] | undefined) ?? components, { csv: csv ?? null });
  if (!rendered.ok) return { ...r, status: 'skipped', reason: `missing-parameter:${rendered.missing}`, parameters: undefined };
  return { ...r, parameters: rendered.components };
}

async function expandContacts(c: CampaignRow, contacts: ContactsClient, pageSize: number): Promise<ExpandedPage> {
  const audience = c.audience;
  const components = c.template.components;
  const step = c.expansion_step === STEP_TAGS && !filterOf(audience) ? firstStep(audience) : c.expansion_step;
  if (step === STEP_TAGS) {
    const filter = filterOf(audience)!;
    const page = await contacts.page(c.tenant_id, {
      phoneNumberId: c.phone_number_id, tag: filter.tags?.[0], attribute: filter.attribute, windowOpen: filter.windowOpen, cursor: c.expansion_cursor, limit: pageSize,
    });
    const recipients = page.data
      .filter((k) => k.phoneNumberId === c.phone_number_id && matchesRest(filter, k))
      .map((k) => recipientOf(k, components))
      .filter((r): r is NewRecipient => r !== null);
    const done = page.nextCursor === null;
    const step2 = done ? nextStep(audience, STEP_TAGS) : STEP_TAGS;
    return { recipients, next: { step: step2, cursor: done ? null : page.nextCursor, expanded: step2 === STEP_DONE } };
  }
  if (step === STEP_CONTACT_IDS || step === STEP_WA_IDS) {
    const list = (step === STEP_CONTACT_IDS ? audience.contactIds : audience.waIds) ?? [];
    const from = Number(c.expansion_cursor ?? 0);
    const slice = list.slice(from, from + pageSize);
    let recipients: NewRecipient[];
    if (step === STEP_CONTACT_IDS) {
      const found = await mapLimit(slice, 8, (id) => contacts.byId(c.tenant_id, id));
      recipients = found.map((k, i) => {
        if (!k || k.phoneNumberId !== c.phone_number_id) return { recipient: `contact:${slice[i]}`, messageId: ulid(), status: 'skipped' as const, reason: 'unknown-contact' };
        return recipientOf(k, components);
      }).filter((r): r is NewRecipient => r !== null);
    } else {
      // listed wa_ids go as they are: the dispatcher refuses an opted-out one at send time
      recipients = slice.map((waId) => recipientOf({ id: '', phoneNumberId: c.phone_number_id, waId, optedOut: false }, components)!)
        .map((r) => ({ ...r, contactId: undefined }));
    }
    const end = from + slice.length >= list.length;
    const step2 = end ? nextStep(audience, step) : step;
    return { recipients, next: { step: step2, cursor: end ? null : String(from + slice.length), expanded: step2 === STEP_DONE } };
  }
  return { recipients: [], next: { step: STEP_DONE, cursor: null, expanded: true } };
}
