import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';

export interface ParkedEvent {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
}

/** Events whose number has no known tenant yet, kept durably in arrival order. */
@Injectable()
export class ParkedEventsRepository {
  async park(q: Queryable, phoneNumberId: string, topic: string, dedupeKey: string, payload: object, now: Date): Promise<void> {
    await q.query(
      `INSERT INTO parked_events (phone_number_id, topic, dedupe_key, payload, parked_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT parked_events_dedupe DO NOTHING`,
      [phoneNumberId, topic, dedupeKey, JSON.stringify(payload), now],
    );
  }

  async next(q: Queryable, phoneNumberId: string, limit: number): Promise<ParkedEvent[]> {
    return q.query<ParkedEvent[]>(
      'SELECT id::text AS id, topic, payload FROM parked_events WHERE phone_number_id = $1 ORDER BY id LIMIT $2', [phoneNumberId, limit],
    );
  }

  /** Numbers with parked events whose tenant is known by now (the sweep replays them). */
  async knownNumbersWithParked(q: Queryable): Promise<string[]> {
    const rows = await q.query<{ phone_number_id: string }[]>(
      `SELECT DISTINCT p.phone_number_id FROM parked_events p JOIN numbers n ON n.phone_number_id = p.phone_number_id`,
    );
    return rows.map((r) => r.phone_number_id);
  }

  async remove(q: Queryable, id: string): Promise<void> {
    await q.query('DELETE FROM parked_events WHERE id = $1', [id]);
  }

  /**
   * GDPR erasure: events parked for the contact's number that name the user (anywhere in the
   * payload, raw webhook JSON included) go with the contact.
   */
  async eraseMentioning(q: Queryable, phoneNumberId: string, ids: string[]): Promise<void> {
    const needles = ids.filter((id) => id.length > 0);
    if (needles.length === 0) return;
    await q.query(
      `DELETE FROM parked_events WHERE phone_number_id = $1
         AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n(id) WHERE strpos(payload::text, n.id) > 0)`,
      [phoneNumberId, needles],
    );
  }

  async count(q: Queryable): Promise<number> {
    const rows = await q.query<{ n: string }[]>('SELECT count(*) AS n FROM parked_events');
    return Number(rows[0]?.n ?? 0);
  }
}
