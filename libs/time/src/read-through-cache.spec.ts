import { ReadThroughCache } from './read-through-cache';

/** A read the test finishes by hand, counting how often it was started. */
function manualReads<V>() {
  const pending: { resolve: (v: V) => void; reject: (e: Error) => void }[] = [];
  const read = jest.fn(() => new Promise<V>((resolve, reject) => pending.push({ resolve, reject })));
  return { read, pending };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('ReadThroughCache', () => {
  let now: number;
  const cache = (extra: Partial<ConstructorParameters<typeof ReadThroughCache<string, string>>[0]> = {}) =>
    new ReadThroughCache<string, string>({ ttlMs: 5000, now: () => now, ...extra });
  beforeEach(() => (now = 1_000_000));

  it('gives callers missing the same key at once one read between them', async () => {
    const c = cache();
    const { read, pending } = manualReads<string>();
    const all = Promise.all(Array.from({ length: 50 }, () => c.get('k', read)));
    expect(read).toHaveBeenCalledTimes(1);
    pending[0]!.resolve('v');
    expect(await all).toEqual(Array(50).fill('v'));
    // another key is read on its own
    void c.get('other', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('answers from the entry until ttlMs after its read started, then callers wait for a new read', async () => {
    const c = cache({ refreshAheadMs: 0 });
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    now += 300; // the read took 300 ms: the entry counts from its start
    pending[0]!.resolve('v1');
    await first;
    now += 4699; // 4,999 ms after the read started
    expect(await c.get('k', read)).toBe('v1');
    expect(read).toHaveBeenCalledTimes(1);
    now += 1;
    let answered = false;
    const after = c.get('k', read).then((v) => ((answered = true), v));
    await flush();
    expect(read).toHaveBeenCalledTimes(2);
    expect(answered).toBe(false);
    pending[1]!.resolve('v2');
    expect(await after).toBe('v2');
  });

  it('reads a key in use again ahead of its expiry, once, while the entry still answers', async () => {
    const c = cache({ refreshAheadMs: 1000 });
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    pending[0]!.resolve('v1');
    await first;
    now += 3999;
    expect(await c.get('k', read)).toBe('v1');
    expect(read).toHaveBeenCalledTimes(1); // not yet in the last second
    now += 1;
    expect(await c.get('k', read)).toBe('v1');
    expect(await c.get('k', read)).toBe('v1');
    expect(read).toHaveBeenCalledTimes(2); // one refresh, not one per hit
    now += 500;
    pending[1]!.resolve('v2');
    await flush();
    expect(await c.get('k', read)).toBe('v2');
    // the refreshed entry counts from when the refresh started (4,000 ms)
    now += 4499; // 8,999
    expect(await c.get('k', read)).toBe('v2');
    expect(read).toHaveBeenCalledTimes(3); // its own refresh ahead started
  });

  it('peeks at a fresh entry without a promise, and not at one due for a refresh or missing', async () => {
    const c = cache({ refreshAheadMs: 1000 });
    expect(c.peek('k')).toBeUndefined();
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    pending[0]!.resolve('v1');
    await first;
    now += 3999;
    expect(c.peek('k')).toBe('v1');
    now += 1;
    expect(c.peek('k')).toBeUndefined(); // get() would answer it and refresh
    expect(read).toHaveBeenCalledTimes(1); // peeking never reads
  });

  it('never answers from an expired entry: at expiry callers wait for the refresh still in flight', async () => {
    const c = cache({ refreshAheadMs: 1000 });
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    pending[0]!.resolve('old');
    await first;
    now += 4500;
    expect(await c.get('k', read)).toBe('old'); // starts the refresh
    now += 500; // expired; the refresh has not answered
    let answered = false;
    const waiting = c.get('k', read).then((v) => ((answered = true), v));
    await flush();
    expect(answered).toBe(false);
    expect(read).toHaveBeenCalledTimes(2); // joined the refresh, no third read
    pending[1]!.resolve('new');
    expect(await waiting).toBe('new');
  });

  it('drops an invalidated entry at once, and does not store what a read in flight then brings back', async () => {
    const c = cache();
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    pending[0]!.resolve('v1');
    await first;
    c.invalidate('k');
    const second = c.get('k', read);
    expect(read).toHaveBeenCalledTimes(2);
    c.invalidate('k'); // e.g. revoked while the query ran
    pending[1]!.resolve('stale');
    expect(await second).toBe('stale'); // its caller still gets an answer
    const third = c.get('k', read);
    expect(read).toHaveBeenCalledTimes(3); // not stored: read again
    pending[2]!.resolve('v3');
    expect(await third).toBe('v3');
  });

  it('invalidateWhere drops every matching entry and keeps the others', async () => {
    const c = cache();
    const { read, pending } = manualReads<string>();
    const a = c.get('a', read);
    const b = c.get('b', read);
    pending[0]!.resolve('cred-1');
    pending[1]!.resolve('cred-2');
    await Promise.all([a, b]);
    c.invalidateWhere((v) => v === 'cred-1');
    expect(await c.get('b', read)).toBe('cred-2');
    expect(read).toHaveBeenCalledTimes(2);
    void c.get('a', read);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('hands a value that is not kept to its callers without storing it', async () => {
    const c = new ReadThroughCache<string, string | null>({ ttlMs: 5000, now: () => now, keep: (v) => v !== null });
    const { read, pending } = manualReads<string | null>();
    const both = Promise.all([c.get('k', read), c.get('k', read)]);
    pending[0]!.resolve(null);
    expect(await both).toEqual([null, null]);
    void c.get('k', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('drops the entry when a refresh ahead brings back a value that is not kept (the row is gone)', async () => {
    const c = new ReadThroughCache<string, string | null>({ ttlMs: 5000, refreshAheadMs: 1000, now: () => now, keep: (v) => v !== null });
    const { read, pending } = manualReads<string | null>();
    const first = c.get('k', read);
    pending[0]!.resolve('key');
    await first;
    now += 4500;
    expect(await c.get('k', read)).toBe('key'); // starts the refresh
    pending[1]!.resolve(null); // revoked meanwhile
    await flush();
    void c.get('k', read);
    expect(read).toHaveBeenCalledTimes(3); // not answered from the old entry
  });

  it('rejects every caller of a failed read, and the next caller reads again', async () => {
    const c = cache();
    const { read, pending } = manualReads<string>();
    const both = Promise.allSettled([c.get('k', read), c.get('k', read)]);
    pending[0]!.reject(new Error('database down'));
    expect((await both).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const again = c.get('k', read);
    expect(read).toHaveBeenCalledTimes(2);
    pending[1]!.resolve('v');
    expect(await again).toBe('v');
  });

  it('keeps answering from the entry until expiry when a refresh ahead fails, and reports the failure', async () => {
    const errors: unknown[] = [];
    const c = cache({ refreshAheadMs: 1000, onRefreshError: (e, key) => errors.push(e, key) });
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    pending[0]!.resolve('v1');
    await first;
    now += 4200;
    expect(await c.get('k', read)).toBe('v1');
    pending[1]!.reject(new Error('timeout'));
    await flush();
    expect(errors).toEqual([new Error('timeout'), 'k']);
    expect(await c.get('k', read)).toBe('v1'); // and a new refresh starts
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('does not answer from an entry read in the future (the clock went back)', async () => {
    const c = cache();
    const { read, pending } = manualReads<string>();
    const first = c.get('k', read);
    pending[0]!.resolve('v1');
    await first;
    now -= 60_000;
    void c.get('k', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('starts over past maxEntries', async () => {
    const c = cache({ maxEntries: 2 });
    const read = jest.fn(async () => 'v');
    await c.get('a', read);
    await c.get('b', read);
    await c.get('c', read); // a and b dropped
    await c.get('c', read);
    expect(read).toHaveBeenCalledTimes(3);
    await c.get('a', read);
    expect(read).toHaveBeenCalledTimes(4);
  });
});
