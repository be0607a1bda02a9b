/** Counts per key and in all; a key whose count falls to 0 or below is forgotten. */
export class Tally {
  private readonly counts = new Map<string, number>();
  private sum = 0;

  add(key: string, n: number): void {
    const left = (this.counts.get(key) ?? 0) + n;
    if (left <= 0) this.counts.delete(key);
    else this.counts.set(key, left);
    this.sum += n;
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  has(key: string): boolean {
    return this.counts.has(key);
  }

  /** The sum of every `add` (keys forgotten at 0 included). */
  get total(): number {
    return this.sum;
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }

  keys(): IterableIterator<string> {
    return this.counts.keys();
  }
}
