/**
 * Collects concurrent single-row writes for up to `lingerMs` (or `max` items) and runs them as
 * one statement; each caller gets its own row's result. At most one flush runs at a time, so
 * under load batches grow instead of round trips multiplying.
 */
export class MicroBatcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly flushFn: (items: I[]) => Promise<O[]>,
    private readonly lingerMs = 1,
    private readonly max = 500,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.max) void this.flush();
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) {
      await this.running;
      if (this.queue.length > 0 && !this.timer) this.timer = setTimeout(() => void this.flush(), 0);
      return;
    }
    const batch = this.queue.splice(0, this.max);
    if (batch.length === 0) return;
    this.running = (async () => {
      try {
        const out = await this.flushFn(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      } finally {
        this.running = null;
      }
    })();
    await this.running;
    if (this.queue.length > 0 && !this.timer) this.timer = setTimeout(() => void this.flush(), 0);
  }
}
