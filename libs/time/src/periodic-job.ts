/**
 * Housekeeping that runs once at start and then every `intervalMs` (retention prunes, sweeps):
 * never two runs of one job at once (a slow run is not started again on top of itself), a
 * failed run is reported and the next one tries again, and `stop` waits for the run in
 * progress so a shutdown never cuts a delete in half. The timer does not keep a process alive.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Runs now, then every interval. */
  start(): void {
    if (this.timer) return;
    void this.trigger();
    this.timer = setInterval(() => void this.trigger(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs now unless a run is in progress (then that run is awaited). Never rejects. */
  trigger(): Promise<void> {
    this.running ??= this.run()
      .then(() => undefined, (err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
