// A Postgres commit probe: one connection of its own commits a transaction every `intervalMs`
// (`SELECT txid_current()` takes a transaction id, so its COMMIT writes and flushes WAL like any
// write) and times each round trip. A stall of the disk under the WAL shows here as it does in
// the services' own commits, independently of them.
import pg from 'pg';
import { probeSummary, startTimedProbe } from './load.mjs';

export async function startCommitProbe(connectionString, intervalMs = 10) {
  const db = new pg.Client({ connectionString });
  await db.connect();
  const probe = startTimedProbe(() => db.query('SELECT txid_current()'), intervalMs);
  return {
    /** p50/p99/max of the commits, and each commit slower than `slowMs` with its wall-clock time. */
    async stop(slowMs = 50) {
      const samples = await probe.stop();
      await db.end().catch(() => undefined);
      return {
        ...probeSummary(samples),
        slow: samples.filter((s) => s.ms > slowMs).map((s) => ({ at: new Date(s.at).toISOString(), ms: Math.round(s.ms) })),
      };
    },
  };
}
