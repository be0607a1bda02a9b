export interface ReadThroughCacheOptions<K, V> {
  /** An entry is served for at most this long after its read started; then callers wait for a new read. */
  ttlMs: number;
  /**
   * In the last `refreshAheadMs` of an entry's life, a hit starts one read in the background and
   * is still answered from the entry, so a steady stream of callers never waits at expiry.
   * 0 turns it off. Default: a fifth of `ttlMs`.
   */
  refreshAheadMs?: number;
  /** More entries than this and the cache starts over (a bound, not an LRU). Default 10,000. */
  maxEntries?: number;
  /**
   * Whether a read's value is kept (e.g. not "not found"); it is handed to its callers either way,
   * and a value not kept also drops the key's entry (a refresh that finds the row gone). Default: all.
   */
  keep?: (value: V) => boolean;
  /** Milliseconds clock (tests pass a manual one). Default `Date.now`. */
  now?: () => number;
  /** A background refresh of `key` failed: its entry is still served until it expires. */
  onRefreshError?: (err: unknown, key: K) => void;
}

interface Entry<V> {
  value: V;
  readAt: number;
}

/**
 * A short cache in front of a slower read (a row the hot path needs on every request: an API
 * key, a phone number). Unlike a plain map with an expiry it never sends a herd of identical
 * reads: callers missing the same key at once share one read (after an idle every request of
 * the first burst misses, and with a plain map each one took a pooled connection and a query of
 * its own), and a key in steady use is read again ahead of its expiry while the entry still
 * answers. An entry is never served past `ttlMs` from when its read started (and not at all if
 * the clock went back), so a change made elsewhere is seen within `ttlMs` as before.
 * `invalidate` drops an entry at once; a read that was in flight then is not stored.
 */
export class ReadThroughCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly reads = new Map<K, Promise<V>>();
  private generation = 0;
  private readonly refreshAheadMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: ReadThroughCacheOptions<K, V>) {
    this.refreshAheadMs = Math.min(options.refreshAheadMs ?? Math.floor(options.ttlMs / 5), options.ttlMs);
    this.maxEntries = options.maxEntries ?? 10000;
    this.now = options.now ?? Date.now;
  }

  /** The cached value of `key`, or the value `read` gives (shared with every caller missing `key` meanwhile). */
  get(key: K, read: () => Promise<V>): Promise<V> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && now >= entry.readAt && now < entry.readAt + this.options.ttlMs) {
      if (this.refreshAheadMs > 0 && now >= entry.readAt + this.options.ttlMs - this.refreshAheadMs && !this.reads.has(key)) {
        this.start(key, read).catch((err: unknown) => this.options.onRefreshError?.(err, key));
      }
      return Promise.resolve(entry.value);
    }
    return this.reads.get(key) ?? this.start(key, read);
  }

  /**
   * The value of `key` without a promise, when its entry is fresh (not yet in its refresh-ahead
   * window); else undefined and the caller uses `get`. For hot paths that would rather not await.
   */
  peek(key: K): V | undefined {
    const entry = this.entries.get(key);
    const now = this.now();
    return entry && now >= entry.readAt && now < entry.readAt + this.options.ttlMs - this.refreshAheadMs ? entry.value : undefined;
  }

  /** Drops `key`: the next caller reads again, and a read in flight now is not stored. */
  invalidate(key: K): void {
    this.generation++;
    this.entries.delete(key);
    this.reads.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all cached keys of one credential). */
  invalidateWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (match(entry.value)) this.entries.delete(key);
    // a read in flight may be about to store a value that matches: do not store any of them
    this.generation++;
    this.reads.clear();
  }

  private start(key: K, read: () => Promise<V>): Promise<V> {
    const generation = this.generation;
    const readAt = this.now();
    const promise = read().then(
      (value) => {
        if (this.reads.get(key) === promise) this.reads.delete(key);
        if (generation !== this.generation) return value;
        if (this.options.keep?.(value) ?? true) {
          if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.clear();
          this.entries.set(key, { value, readAt });
        } else {
          this.entries.delete(key); // e.g. a refresh found the key revoked: not served any longer
        }
        return value;
      },
      (err: unknown) => {
        if (this.reads.get(key) === promise) this.reads.delete(key);
        throw err;
      },
    );
    this.reads.set(key, promise);
    return promise;
  }
}
