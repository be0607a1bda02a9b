// A Postgres commit probe: one connection of its own commits a transaction every `intervalMs`
// (`SELECT txid_current()` takes a transaction id, so its COMMIT writes and flushes WAL like any
// write) and times each round trip. A stall of the disk under the WAL shows here as it does in
// the services' own commits, independently of them.
import pg from 'pg';

export async function startCommitProbe(connectionString, intervalMs = 10) {
  const db = new pg.Client({ connectionString });
  await db.connect();
  const samples = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = performance.now();
      await db.query('SELECT txid_current()');
      samples.push({ at: Date.now(), ms: performance.now() - t });
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    /** p50/p99/max of the commits, and each commit slower than `slowMs` with its wall-clock time. */
    async stop(slowMs = 50) {
      stopped = true;
      await loop.catch(() => undefined);
      await db.end().catch(() => undefined);
      const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
      const q = (p) => (ms.length ? Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] * 10) / 10 : null);
      return {
        count: ms.length, p50: q(0.5), p99: q(0.99), max: q(1),
        slow: samples.filter((s) => s.ms > slowMs).map((s) => ({ at: new Date(s.at).toISOString(), ms: Math.round(s.ms) })),
      };
    },
  };
}
