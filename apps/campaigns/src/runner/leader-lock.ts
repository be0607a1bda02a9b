import type { DataSource, QueryRunner } from 'typeorm';

/**
 * One runner at a time across instances (ADR 0153): a Postgres session-level advisory lock held
 * on a connection of its own for as long as this instance leads. When that connection dies (a
 * Postgres restart, a network cut) the lock goes with its session and another instance's next
 * `claim` takes it. The lock's SQL lives here, not in the runner (ADR 0188); it is not a
 * repository over the pool because the lock belongs to one connection.
 */
export class LeaderLock {
  private holder: QueryRunner | null = null;

  constructor(
    private readonly ds: DataSource,
    /** Advisory locks are per database: the key names the schema, so deployments sharing one database each have a runner. */
    private readonly key: string,
  ) {}

  /** `held`: still ours; `taken`: ours from now on (what was learnt while following may be stale); `elsewhere`: another session leads. */
  async claim(): Promise<'held' | 'taken' | 'elsewhere'> {
    if (this.holder) {
      try {
        await this.holder.query('SELECT 1');
        return 'held';
      } catch {
        await this.release();
      }
    }
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    let ok = false;
    try {
      const [row] = (await qr.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.key])) as { ok: boolean }[];
      ok = row?.ok === true;
    } finally {
      if (ok) this.holder = qr;
      else await qr.release();
    }
    return ok ? 'taken' : 'elsewhere';
  }

  /**
   * Ends the lead. The connection goes back to the pool, so the lock is unlocked first (a broken
   * connection cannot be, but then its session and the lock are gone already).
   */
  async release(): Promise<void> {
    const h = this.holder;
    this.holder = null;
    if (!h) return;
    await h.query('SELECT pg_advisory_unlock(hashtext($1))', [this.key]).catch(() => undefined);
    await h.release().catch(() => undefined);
  }
}
