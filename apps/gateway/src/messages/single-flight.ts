/**
 * Concurrent calls with the same key share one run of `fn`: the first call starts it, calls
 * made while it is running get its promise (its value or its error), and the next call after
 * it settled starts a new run. Nothing is kept after a run settles, so no answer is older than
 * the run it came from (ADR 0192: a campaign's thousand concurrent sends of one template ask
 * the database once, a lone send asks it as before).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const current = this.running.get(key);
    if (current) return current;
    const started = fn().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  /** How many distinct keys have a run in flight (tests, metrics). */
  get size(): number {
    return this.running.size;
  }
}
