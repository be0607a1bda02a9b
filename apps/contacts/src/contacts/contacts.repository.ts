import { Injectable } from '@nestjs/common';
import { Contact, OptInState } from './contact.model';
import type { Queryable } from '@wabridge/database';
import { ImportRow } from '../import/import-row';

interface ContactRow {
  id: string;
  tenant_id: string;
  phone_number_id: string;
  wa_id: string | null;
  user_id: string | null;
  parent_user_id: string | null;
  username: string | null;
  phone_e164: string | null;
  profile_name: string | null;
  first_inbound_at: Date | null;
  last_inbound_at: Date | null;
  window_open_until: Date | null;
  opted_out: boolean;
  opt_in_state: OptInState;
  opt_source: string | null;
  opt_changed_at: Date | null;
  reachable: boolean;
  reachability_at: Date | null;
  attributes: Record<string, unknown>;
  tags: string[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, phone_number_id, wa_id, user_id, parent_user_id, username, phone_e164, profile_name,
  first_inbound_at, last_inbound_at, window_open_until, opted_out, opt_in_state, opt_source, opt_changed_at,
  reachable, reachability_at, attributes, tags, created_at, updated_at`;

function toContact(r: ContactRow): Contact {
  return {
    id: r.id, tenantId: r.tenant_id, phoneNumberId: r.phone_number_id, waId: r.wa_id, userId: r.user_id,
    parentUserId: r.parent_user_id, username: r.username, phoneE164: r.phone_e164, profileName: r.profile_name,
    firstInboundAt: r.first_inbound_at, lastInboundAt: r.last_inbound_at, windowOpenUntil: r.window_open_until,
    optedOut: r.opted_out, optInState: r.opt_in_state, optSource: r.opt_source, optChangedAt: r.opt_changed_at,
    reachable: r.reachable, reachabilityAt: r.reachability_at, attributes: r.attributes, tags: r.tags,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function values(c: Contact): unknown[] {
  return [
    c.id, c.tenantId, c.phoneNumberId, c.waId, c.userId, c.parentUserId, c.username, c.phoneE164, c.profileName,
    c.firstInboundAt, c.lastInboundAt, c.windowOpenUntil, c.optedOut, c.optInState, c.optSource, c.optChangedAt,
    c.reachable, c.reachabilityAt, JSON.stringify(c.attributes), c.tags, c.createdAt, c.updatedAt,
  ];
}

export interface ContactFilter {
  phoneNumberId?: string;
  waId?: string;
  userId?: string;
  optedOut?: boolean;
  tag?: string;
  attribute?: { key: string; value: string };
  windowOpen?: boolean;
}

export interface OptEventRow {
  state: string;
  source: string;
  wamid: string | null;
  at: Date;
}

/** SQL of the contacts schema. Every tenant-owned query takes tenantId first. */
@Injectable()
export class ContactsRepository {
  /**
   * Serializes writers of one identity (wa_id and BSUID may arrive on different partitions) and,
   * in the same round trip, tells whether the wamid was processed already (its contact id).
   */
  async lockIdentities(
    q: Queryable, tenantId: string, phoneNumberId: string, ids: (string | null | undefined)[], wamid?: string,
  ): Promise<string | undefined> {
    const keys = [...new Set(ids.filter((x): x is string => !!x))].sort().map((id) => `${tenantId}:${phoneNumberId}:${id}`);
    const rows = await q.query<{ done: string | null }[]>(
      `SELECT (SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) s) AS locked,
              (SELECT contact_id FROM processed_inbound WHERE wamid = $2) AS done`,
      [keys, wamid ?? null],
    );
    return rows[0]?.done ?? undefined;
  }

  /**
   * Batch form of lockIdentities: takes the advisory locks of every identity key of a consumed
   * batch in one sorted acquisition (no deadlock with other batches or single writers) and
   * returns, in the same round trip, which of the wamids were processed already (wamid → contact id).
   */
  async lockIdentityKeys(q: Queryable, keys: string[], wamids: string[]): Promise<Map<string, string>> {
    const sorted = [...new Set(keys)].sort();
    const rows = await q.query<{ done: { wamid: string; contact_id: string }[] | null }[]>(
      `SELECT (SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) s) AS locked,
              (SELECT json_agg(json_build_object('wamid', wamid, 'contact_id', contact_id)) FROM processed_inbound
                WHERE wamid = ANY($2::text[])) AS done`,
      [sorted, wamids],
    );
    return new Map((rows[0]?.done ?? []).map((r) => [r.wamid, r.contact_id]));
  }

  /** Every contact owning one of the identities (rows locked), for applying a batch in memory. */
  async findManyForUpdate(
    q: Queryable, ids: { tenantId: string; phoneNumberId: string; waId?: string | null; userId?: string | null }[],
  ): Promise<Contact[]> {
    const wa = ids.filter((i) => i.waId);
    const us = ids.filter((i) => i.userId);
    if (wa.length === 0 && us.length === 0) return [];
    const rows = await q.query<ContactRow[]>(
      `SELECT ${COLUMNS} FROM contacts WHERE id IN (
         SELECT c.id FROM contacts c JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(t, pn, v)
           ON c.tenant_id = k.t AND c.phone_number_id = k.pn AND c.wa_id = k.v
         UNION
         SELECT c.id FROM contacts c JOIN unnest($4::text[], $5::text[], $6::text[]) AS k(t, pn, v)
           ON c.tenant_id = k.t AND c.phone_number_id = k.pn AND c.user_id = k.v)
       ORDER BY id FOR UPDATE`,
      [
        wa.map((i) => i.tenantId), wa.map((i) => i.phoneNumberId), wa.map((i) => i.waId),
        us.map((i) => i.tenantId), us.map((i) => i.phoneNumberId), us.map((i) => i.userId),
      ],
    );
    return rows.map(toContact);
  }

  /** Inserts new and rewrites existing contacts (whole rows) in one statement. */
  async upsertMany(q: Queryable, contacts: Contact[]): Promise<void> {
    if (contacts.length === 0) return;
    const cols = COLUMNS.split(',').map((s) => s.trim());
    const params: unknown[] = [];
    const tuples = contacts.map((c) => {
      const v = values(c);
      const start = params.length;
      params.push(...v);
      return `(${v.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    const sets = cols.slice(3).map((col) => `${col} = EXCLUDED.${col}`).join(', ');
    await q.query(
      `INSERT INTO contacts (${COLUMNS}) VALUES ${tuples.join(', ')}
       ON CONFLICT (id) DO UPDATE SET ${sets}
       WHERE contacts.tenant_id = EXCLUDED.tenant_id AND contacts.phone_number_id = EXCLUDED.phone_number_id`,
      params,
    );
  }

  async recordProcessedMany(
    q: Queryable, rows: { tenantId: string; wamid: string; contactId: string; type: string; occurredAt: Date }[], now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `INSERT INTO processed_inbound (wamid, contact_id, tenant_id, type, occurred_at, processed_at)
       SELECT r.wamid, r.contact_id, r.tenant_id, r.type, r.occurred_at, $6
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS r(wamid, contact_id, tenant_id, type, occurred_at)`,
      [rows.map((r) => r.wamid), rows.map((r) => r.contactId), rows.map((r) => r.tenantId), rows.map((r) => r.type), rows.map((r) => r.occurredAt), now],
    );
  }

  /** Opt events in the given order (their ids follow it). */
  async addOptEvents(q: Queryable, rows: (OptEventRow & { tenantId: string; contactId: string })[]): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `INSERT INTO opt_events (contact_id, tenant_id, state, source, wamid, at)
       SELECT r.contact_id, r.tenant_id, r.state, r.source, r.wamid, r.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY
              AS r(contact_id, tenant_id, state, source, wamid, at, n)
        ORDER BY r.n`,
      [rows.map((r) => r.contactId), rows.map((r) => r.tenantId), rows.map((r) => r.state), rows.map((r) => r.source), rows.map((r) => r.wamid), rows.map((r) => r.at)],
    );
  }

  async getMany(q: Queryable, ids: string[]): Promise<Contact[]> {
    if (ids.length === 0) return [];
    const rows = await q.query<ContactRow[]>(`SELECT ${COLUMNS} FROM contacts WHERE id = ANY($1::text[])`, [ids]);
    return rows.map(toContact);
  }

  async findForUpdate(
    q: Queryable, tenantId: string, phoneNumberId: string, ids: { waId?: string | null; userId?: string | null },
  ): Promise<{ byWaId?: Contact; byUserId?: Contact }> {
    const rows = await q.query<ContactRow[]>(
      `SELECT ${COLUMNS} FROM contacts WHERE tenant_id = $1 AND phone_number_id = $2
         AND ((wa_id IS NOT NULL AND wa_id = $3) OR (user_id IS NOT NULL AND user_id = $4)) FOR UPDATE`,
      [tenantId, phoneNumberId, ids.waId ?? null, ids.userId ?? null],
    );
    const contacts = rows.map(toContact);
    return {
      byWaId: ids.waId ? contacts.find((c) => c.waId === ids.waId) : undefined,
      byUserId: ids.userId ? contacts.find((c) => c.userId === ids.userId) : undefined,
    };
  }

  async get(q: Queryable, tenantId: string, id: string, forUpdate = false): Promise<Contact | undefined> {
    const rows = await q.query<ContactRow[]>(
      `SELECT ${COLUMNS} FROM contacts WHERE tenant_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [tenantId, id],
    );
    return rows[0] ? toContact(rows[0]) : undefined;
  }

  async insert(q: Queryable, c: Contact): Promise<void> {
    const v = values(c);
    await q.query(`INSERT INTO contacts (${COLUMNS}) VALUES (${v.map((_, i) => `$${i + 1}`).join(', ')})`, v);
  }

  async update(q: Queryable, c: Contact): Promise<void> {
    const v = values(c);
    const cols = COLUMNS.split(',').map((s) => s.trim());
    const sets = cols.slice(3).map((col, i) => `${col} = $${i + 4}`).join(', ');
    await q.query(`UPDATE contacts SET ${sets} WHERE id = $1 AND tenant_id = $2 AND phone_number_id = $3`, v);
  }

  async delete(q: Queryable, tenantId: string, id: string): Promise<boolean> {
    const rows = await q.query<{ id: string }[]>('DELETE FROM contacts WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id]);
    return rows.length > 0;
  }

  /** Moves history rows of a contact being merged away onto the contact that stays. */
  async moveHistory(q: Queryable, tenantId: string, fromId: string, toId: string): Promise<void> {
    await q.query('UPDATE processed_inbound SET contact_id = $3 WHERE tenant_id = $1 AND contact_id = $2', [tenantId, fromId, toId]);
    await q.query('UPDATE opt_events SET contact_id = $3 WHERE tenant_id = $1 AND contact_id = $2', [tenantId, fromId, toId]);
  }

  async getAny(q: Queryable, id: string): Promise<Contact | undefined> {
    const rows = await q.query<ContactRow[]>(`SELECT ${COLUMNS} FROM contacts WHERE id = $1`, [id]);
    return rows[0] ? toContact(rows[0]) : undefined;
  }

  async recordProcessed(
    q: Queryable, tenantId: string, wamid: string, contactId: string, type: string, occurredAt: Date, now: Date,
  ): Promise<void> {
    await q.query(
      'INSERT INTO processed_inbound (wamid, contact_id, tenant_id, type, occurred_at, processed_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [wamid, contactId, tenantId, type, occurredAt, now],
    );
  }

  async addOptEvent(q: Queryable, tenantId: string, contactId: string, e: OptEventRow): Promise<void> {
    await q.query('INSERT INTO opt_events (contact_id, tenant_id, state, source, wamid, at) VALUES ($1, $2, $3, $4, $5, $6)', [
      contactId, tenantId, e.state, e.source, e.wamid, e.at,
    ]);
  }

  async list(q: Queryable, tenantId: string, f: ContactFilter, now: Date, afterId: string | undefined, limit: number): Promise<Contact[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (afterId) add('id > ?', afterId);
    if (f.phoneNumberId) add('phone_number_id = ?', f.phoneNumberId);
    if (f.waId) add('wa_id = ?', f.waId);
    if (f.userId) add('user_id = ?', f.userId);
    if (f.optedOut !== undefined) add('opted_out = ?', f.optedOut);
    if (f.tag) add('tags @> ARRAY[?]::text[]', f.tag);
    if (f.attribute) add('attributes @> ?::jsonb', JSON.stringify({ [f.attribute.key]: f.attribute.value }));
    if (f.windowOpen === true) add('window_open_until > ?', now);
    if (f.windowOpen === false) add('(window_open_until IS NULL OR window_open_until <= ?)', now);
    params.push(limit);
    const rows = await q.query<ContactRow[]>(
      `SELECT ${COLUMNS} FROM contacts WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`, params,
    );
    return rows.map(toContact);
  }

  async optHistory(q: Queryable, tenantId: string, contactId: string): Promise<OptEventRow[]> {
    return q.query<OptEventRow[]>(
      'SELECT state, source, wamid, at FROM opt_events WHERE tenant_id = $1 AND contact_id = $2 ORDER BY id', [tenantId, contactId],
    );
  }

  async inboundHistory(q: Queryable, tenantId: string, contactId: string): Promise<{ wamid: string; type: string; occurredAt: Date; processedAt: Date }[]> {
    return q.query(
      `SELECT wamid, type, occurred_at AS "occurredAt", processed_at AS "processedAt" FROM processed_inbound
        WHERE tenant_id = $1 AND contact_id = $2 ORDER BY occurred_at, wamid`, [tenantId, contactId],
    );
  }

  /** Rows of the contacts schema that still mention a contact (0 after erasure). */
  async rowsReferencing(q: Queryable, tenantId: string, contactId: string): Promise<number> {
    const rows = await q.query<{ n: string }[]>(
      `SELECT (SELECT count(*) FROM contacts WHERE tenant_id = $1 AND id = $2)
            + (SELECT count(*) FROM processed_inbound WHERE contact_id = $2)
            + (SELECT count(*) FROM opt_events WHERE contact_id = $2) AS n`, [tenantId, contactId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Upserts a batch of import rows by (tenant, number, wa_id). Attributes are merged, tags
   * united, an opt-in only fills an unknown state (an opt-out is never undone by an import);
   * a row that would change nothing is not written, so re-importing a file changes nothing.
   */
  async upsertImported(q: Queryable, tenantId: string, rows: ImportRow[], ids: string[], now: Date): Promise<{ created: number; updated: number }> {
    const res = await q.query<{ inserted: boolean }[]>(
      `INSERT INTO contacts (id, tenant_id, phone_number_id, wa_id, phone_e164, profile_name, attributes, tags,
                             opt_in_state, opt_source, opt_changed_at, created_at, updated_at)
       SELECT r.id, $1, r.pn, r.wa, r.e164, r.name, r.attrs::jsonb,
              ARRAY(SELECT jsonb_array_elements_text(r.tags::jsonb)),
              CASE WHEN r.optin THEN 'opted_in' ELSE 'unknown' END,
              CASE WHEN r.optin THEN 'import' END,
              CASE WHEN r.optin THEN $2::timestamptz END,
              $2, $2
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[])
              AS r(id, pn, wa, e164, name, attrs, tags, optin)
       ON CONFLICT (tenant_id, phone_number_id, wa_id) WHERE wa_id IS NOT NULL DO UPDATE SET
         profile_name = COALESCE(EXCLUDED.profile_name, contacts.profile_name),
         phone_e164 = COALESCE(contacts.phone_e164, EXCLUDED.phone_e164),
         attributes = contacts.attributes || EXCLUDED.attributes,
         tags = ARRAY(SELECT DISTINCT t FROM unnest(contacts.tags || EXCLUDED.tags) AS t ORDER BY t),
         opt_in_state = CASE WHEN contacts.opt_in_state = 'unknown' AND EXCLUDED.opt_in_state = 'opted_in' THEN 'opted_in' ELSE contacts.opt_in_state END,
         opt_source = CASE WHEN contacts.opt_in_state = 'unknown' AND EXCLUDED.opt_in_state = 'opted_in' THEN 'import' ELSE contacts.opt_source END,
         opt_changed_at = CASE WHEN contacts.opt_in_state = 'unknown' AND EXCLUDED.opt_in_state = 'opted_in' THEN EXCLUDED.opt_changed_at ELSE contacts.opt_changed_at END,
         updated_at = EXCLUDED.updated_at
       WHERE COALESCE(EXCLUDED.profile_name, contacts.profile_name) IS DISTINCT FROM contacts.profile_name
          OR contacts.phone_e164 IS NULL
          OR (contacts.attributes || EXCLUDED.attributes) <> contacts.attributes
          OR NOT (contacts.tags @> EXCLUDED.tags)
          OR (contacts.opt_in_state = 'unknown' AND EXCLUDED.opt_in_state = 'opted_in')
       RETURNING (xmax = 0) AS inserted`,
      [
        tenantId, now, ids, rows.map((r) => r.phoneNumberId), rows.map((r) => r.waId), rows.map((r) => r.phoneE164),
        rows.map((r) => r.profileName), rows.map((r) => JSON.stringify(r.attributes)), rows.map((r) => JSON.stringify(r.tags)),
        rows.map((r) => r.optIn),
      ],
    );
    const created = res.filter((r) => r.inserted).length;
    return { created, updated: res.length - created };
  }
}
