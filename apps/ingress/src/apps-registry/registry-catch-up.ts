import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';

export const REGISTRY_CATCH_UP = Symbol('REGISTRY_CATCH_UP');

/**
 * Whether this instance has read the app and number registry (`wa.app.changed.v1`,
 * `wa.number.changed.v1`) up to where it stood at boot. Until then every number would look
 * unknown, and a forged cross-app webhook would pass as "unbound" (ADR 0071), so the
 * normalizer waits for it before its first batch (bounded by `timeoutMs`; readiness is false
 * meanwhile). The registry consumers report each offset they applied.
 */
export class RegistryCatchUp {
  private readonly log = new Logger('RegistryCatchUp');
  private readonly seenOffsets = new Map<string, bigint>();
  private targets: Map<string, bigint> | null = null;
  private snapshotting: Promise<Map<string, bigint>> | null = null;
  private done = false;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
    private readonly timeoutMs: number,
    private readonly pollMs = 50,
  ) {}

  /** A registry consumer applied (or gave up on) this message. */
  seen(topic: string, partition: number, offset: string): void {
    const key = `${topic}|${partition}`;
    const o = BigInt(offset);
    if ((this.seenOffsets.get(key) ?? -1n) < o) this.seenOffsets.set(key, o);
  }

  get caughtUp(): boolean {
    if (this.done) return true;
    if (!this.targets) return false;
    for (const [key, high] of this.targets) if (high > 0n && (this.seenOffsets.get(key) ?? -1n) < high - 1n) return false;
    this.done = true;
    return true;
  }

  /**
   * Resolves once caught up with the registry as it was at the first call, or after the
   * timeout. Called at boot (so readiness turns true without waiting for a webhook) and before
   * each normalizer batch.
   */
  async wait(): Promise<void> {
    if (this.done) return;
    this.snapshotting ??= this.snapshot().catch((err: unknown) => {
      this.snapshotting = null; // the next call tries again (Kafka away at boot)
      throw err;
    });
    this.targets ??= await this.snapshotting;
    const deadline = Date.now() + this.timeoutMs;
    while (!this.caughtUp) {
      if (Date.now() > deadline) {
        this.log.warn(`registry not read to its end after ${this.timeoutMs} ms; normalizing with what is known`);
        this.done = true;
        return;
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /**
   * `wait` at boot, so readiness turns true without a first webhook. A failed read of where the
   * registry stands (Kafka away, a topic just created and not served yet) is tried again every
   * `retryMs` until it succeeds or `stop` is called: before, it was tried again only with the
   * first normalizer batch, so an instance that no webhook reached stayed unready.
   */
  startAtBoot(retryMs = 1000): void {
    if (this.stopped || this.done) return;
    this.wait().catch((err: Error) => {
      if (this.stopped) return;
      this.log.warn(`registry catch-up: ${err.message}; trying again in ${retryMs} ms`);
      this.retry = setTimeout(() => this.startAtBoot(retryMs), retryMs);
      this.retry.unref();
    });
  }

  /** No more retries at boot (shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  private async snapshot(): Promise<Map<string, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const targets = new Map<string, bigint>();
      for (const topic of this.topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) targets.set(`${topic}|${p.partition}`, BigInt(p.high));
      }
      return targets;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
