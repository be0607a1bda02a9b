import { DataSource, EntityManager } from 'typeorm';
import { deleteInChunks } from '@wabridge/database';

/** SQL of the dedupe ledger (the key is the event's identity: wamid, (wamid,status), …). */
export class ProcessedEventsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Runs `fn` in a transaction that has claimed `events`; `fn` gets the keys seen for the
   * first time. Rows become visible only if `fn` succeeds (the Kafka transaction committed),
   * and a concurrent claim of the same key waits for this one to finish.
   */
  async withClaims<T>(events: { key: string; topic: string }[], fn: (fresh: Set<string>) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em: EntityManager) => {
      const rows: { event_key: string }[] = events.length === 0 ? [] : await em.query(
        `INSERT INTO processed_events (event_key, topic, state, produced_at)
         SELECT k, t, 'produced', now() FROM unnest($1::text[], $2::text[]) AS x(k, t)
         ON CONFLICT (event_key) DO NOTHING
         RETURNING event_key`,
        [events.map((e) => e.key), events.map((e) => e.topic)],
      );
      return fn(new Set(rows.map((r) => r.event_key)));
    });
  }

  /**
   * Forgets ids older than Meta's retry horizon: in chunks of `chunk` rows (short locks), until
   * nothing older is left. Returns how many went.
   */
  prune(olderThanDays: number, chunk = 10000): Promise<number> {
    return deleteInChunks(this.db, 'processed_events', 'created_at < now() - make_interval(days => $1)', [olderThanDays], chunk);
  }
}
