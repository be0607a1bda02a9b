import { DataSource } from 'typeorm';

/** SQL of the dedupe ledger (the unique key is the event's identity: wamid, (wamid,status), …). */
export class ProcessedEventsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Claims keys not seen before and returns every key that still needs producing: the new
   * ones plus any left `pending` by a crash between claim and produce.
   */
  async claim(events: { key: string; topic: string }[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    await this.db.query(
      `INSERT INTO processed_events (event_key, topic, state)
       SELECT k, t, 'pending' FROM unnest($1::text[], $2::text[]) AS x(k, t)
       ON CONFLICT (event_key) DO NOTHING`,
      [events.map((e) => e.key), events.map((e) => e.topic)],
    );
    const rows: { event_key: string }[] = await this.db.query(
      `SELECT event_key FROM processed_events WHERE event_key = ANY($1::text[]) AND state = 'pending'`,
      [events.map((e) => e.key)],
    );
    return new Set(rows.map((r) => r.event_key));
  }

  async markProduced(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(
      `UPDATE processed_events SET state = 'produced', produced_at = now() WHERE event_key = ANY($1::text[])`,
      [keys],
    );
  }

  /** Forgets ids older than Meta's retry horizon; bounded per call. */
  async prune(olderThanDays: number, limit = 10000): Promise<number> {
    const rows: unknown[] = await this.db.query(
      `DELETE FROM processed_events WHERE event_key IN (
         SELECT event_key FROM processed_events WHERE created_at < now() - make_interval(days => $1) AND state = 'produced' LIMIT $2
       ) RETURNING event_key`,
      [olderThanDays, limit],
    );
    return rows.length;
  }
}
