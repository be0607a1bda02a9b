/**
 * Remembers the answers of a pure function of a short string, at most `max` of them (the
 * oldest is dropped first). For lookups that cost far more than a Map probe and repeat in
 * real traffic, e.g. a recipient's phone number across a conversation or a campaign's re-sends.
 * Keys longer than `maxKeyLength` are computed every time, never kept.
 */
export function boundedMemo<R>(fn: (key: string) => R, max: number, maxKeyLength = 64): ((key: string) => R) & { readonly size: number } {
  const known = new Map<string, R>();
  const memo = (key: string): R => {
    if (known.has(key)) return known.get(key) as R;
    const value = fn(key);
    if (key.length > maxKeyLength) return value;
    if (known.size >= max) known.delete(known.keys().next().value as string);
    known.set(key, value);
    return value;
  };
  return Object.defineProperty(memo, 'size', { get: () => known.size }) as ((key: string) => R) & { readonly size: number };
}
