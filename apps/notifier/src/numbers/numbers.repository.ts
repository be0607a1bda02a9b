import { Injectable } from '@nestjs/common';
import { NumberChangedV1 } from '@wabridge/contracts';
import type { Queryable } from '@wabridge/database';

export interface ParkedEvent {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
}

/** phone_number_id → tenant (from `wa.number.changed.v1`), and source events parked until their number is known. */
@Injectable()
export class NumbersRepository {
  /** Keeps the latest revision (a compacted topic may replay older ones). */
  async upsert(q: Queryable, e: NumberChangedV1): Promise<void> {
    await q.query(
      `INSERT INTO numbers (phone_number_id, tenant_id, waba_id, deleted, revision, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (phone_number_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, waba_id = EXCLUDED.waba_id, deleted = EXCLUDED.deleted,
         revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at
       WHERE numbers.revision <= EXCLUDED.revision`,
      [e.phoneNumberId, e.tenantId, e.wabaId, e.deleted === true, e.revision, e.updatedAt],
    );
  }

  /** Tenants of the given numbers and WABAs (deleted numbers are unknown). */
  async lookup(q: Queryable, phoneNumberIds: string[], wabaIds: string[]): Promise<{ byNumber: Map<string, string>; byWaba: Map<string, string[]> }> {
    const rows = await q.query<{ phone_number_id: string; tenant_id: string; waba_id: string }[]>(
      `SELECT phone_number_id, tenant_id, waba_id FROM numbers WHERE NOT deleted AND (phone_number_id = ANY($1) OR waba_id = ANY($2))`,
      [phoneNumberIds, wabaIds],
    );
    const byNumber = new Map<string, string>();
    const byWaba = new Map<string, string[]>();
    for (const r of rows) {
      byNumber.set(r.phone_number_id, r.tenant_id);
      const list = byWaba.get(r.waba_id) ?? [];
      if (!list.includes(r.tenant_id)) list.push(r.tenant_id);
      byWaba.set(r.waba_id, list);
    }
    return { byNumber, byWaba };
  }

  async park(q: Queryable, rows: { topic: string; phoneNumberId?: string; wabaId?: string; payload: object }[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `INSERT INTO parked_events (topic, phone_number_id, waba_id, payload, parked_at)
       SELECT t.topic, t.pn, t.waba, t.payload::jsonb, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(topic, pn, waba, payload, ord)
       ORDER BY t.ord`,
      [rows.map((r) => r.topic), rows.map((r) => r.phoneNumberId ?? null), rows.map((r) => r.wabaId ?? null), rows.map((r) => JSON.stringify(r.payload)), at],
    );
  }

  /** Removes and returns (oldest first) the parked events whose number or WABA is known now. */
  async takeResolvable(q: Queryable, limit = 1000): Promise<ParkedEvent[]> {
    const [rows] = await q.query<[ParkedEvent[], number]>(
      `DELETE FROM parked_events WHERE id IN (
         SELECT p.id FROM parked_events p WHERE EXISTS (
           SELECT 1 FROM numbers n WHERE NOT n.deleted AND (n.phone_number_id = p.phone_number_id OR (p.phone_number_id IS NULL AND n.waba_id = p.waba_id)))
         ORDER BY p.id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id::text, topic, payload`,
      [limit],
    );
    return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  }

  async pruneParked(q: Queryable, before: Date): Promise<number> {
    const [, n] = await q.query<[unknown[], number]>(`DELETE FROM parked_events WHERE parked_at < $1`, [before]);
    return n;
  }
}
