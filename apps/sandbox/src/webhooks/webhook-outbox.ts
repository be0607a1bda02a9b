import { signWebhookBody } from '@wabridge/meta';
import { Clock, Random } from '../common/clock';
import { MinHeap } from '../common/min-heap';
import { buildEnvelope, WebhookUpdate } from './webhook-envelope';

/** Where a number's webhooks go and the secret that signs them. */
export interface WebhookTarget {
  url: string;
  appSecret: string;
}

export interface OutboxLimits {
  /** Updates held (queued, batched, in flight, awaiting retry) at most; beyond it new ones are dropped. */
  maxPending: number;
  batchMax: number;
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const WEBHOOK_POSTER = Symbol('WEBHOOK_POSTER');

/** Sends one POST; resolves with the HTTP status, rejects on network error or timeout. */
export type WebhookPoster = (url: string, raw: Buffer, headers: Record<string, string>, timeoutMs: number) => Promise<number>;

export interface OutboxStats {
  pending: number;
  inFlight: number;
  awaitingRetry: number;
  delivered: number;
  deliveredUpdates: number;
  failedAttempts: number;
  exhausted: number;
  dropped: number;
}

interface QueuedUpdate {
  seq: number;
  dueAt: number;
  target: WebhookTarget;
  update: WebhookUpdate;
}

interface Delivery {
  seq: number;
  target: WebhookTarget;
  raw: Buffer;
  signature: string;
  updates: number;
  attempts: number;
  nextAttemptAt: number;
}

/** Meta's webhook requests identify themselves with this agent. */
const USER_AGENT = 'facebookexternalua';

/**
 * The sandbox's webhook outbox: updates wait until due, updates due together for the same
 * receiver share one signed POST (up to `batchMax`), and a POST that fails (non-2xx,
 * network error, timeout) is retried with exponential backoff and jitter, as Meta does,
 * until `maxAttempts`. Everything it holds is bounded by `maxPending`.
 *
 * `tick()` does one round of work and is driven by a timer in production and directly by
 * tests with a fake clock.
 */
export class WebhookOutbox {
  private seq = 0;
  private readonly queued = new MinHeap<QueuedUpdate>((a, b) => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq));
  private readonly ready: Delivery[] = [];
  private readonly retrying = new MinHeap<Delivery>((a, b) => a.nextAttemptAt < b.nextAttemptAt || (a.nextAttemptAt === b.nextAttemptAt && a.seq < b.seq));
  private readonly inFlight = new Set<Promise<void>>();
  private held = 0;
  private inFlightCount = 0;
  private inFlightUpdates = 0;
  private readonly counters = { delivered: 0, deliveredUpdates: 0, failedAttempts: 0, exhausted: 0, dropped: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly limits: OutboxLimits,
    private readonly post: WebhookPoster,
  ) {}

  /** Queues an update for `dueAt` (default now); false when the outbox is full and it was dropped. */
  enqueue(target: WebhookTarget, update: WebhookUpdate, dueAt = this.clock.now()): boolean {
    if (this.held >= this.limits.maxPending) {
      this.counters.dropped++;
      return false;
    }
    this.held++;
    this.queued.push({ seq: ++this.seq, dueAt, target, update });
    return true;
  }

  stats(): OutboxStats {
    return {
      pending: this.held - this.inFlightUpdates,
      inFlight: this.inFlightCount,
      awaitingRetry: this.retrying.size,
      ...this.counters,
    };
  }

  /** Batches due updates and starts as many due POSTs as concurrency allows; resolves when those POSTs end. */
  tick(): Promise<void> {
    const now = this.clock.now();
    this.collectDue(now);
    const started: Promise<void>[] = [];
    // Bounded by concurrency: each pass starts one POST or stops.
    while (this.inFlightCount < this.limits.concurrency) {
      const delivery = this.nextDelivery(now);
      if (!delivery) break;
      started.push(this.send(delivery));
    }
    return Promise.all(started).then(() => undefined);
  }

  /** Resolves when every POST in flight has ended (for shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Drops everything queued (not what is in flight). */
  clear(): void {
    this.held = this.inFlightUpdates;
    this.queued.clear();
    this.ready.length = 0;
    this.retrying.clear();
  }

  private collectDue(now: number): void {
    // Group due updates by receiver, in due order; at most `maxPending` items exist, so the loop is bounded.
    const groups = new Map<string, { target: WebhookTarget; updates: WebhookUpdate[] }>();
    for (let top = this.queued.peek(); top !== undefined && top.dueAt <= now; top = this.queued.peek()) {
      this.queued.pop();
      const key = `${top.target.url}\u0000${top.target.appSecret}`;
      let group = groups.get(key);
      if (!group) {
        group = { target: top.target, updates: [] };
        groups.set(key, group);
      }
      group.updates.push(top.update);
      if (group.updates.length >= this.limits.batchMax) {
        this.ready.push(this.prepare(group.target, group.updates, now));
        groups.delete(key);
      }
    }
    for (const group of groups.values()) this.ready.push(this.prepare(group.target, group.updates, now));
  }

  private prepare(target: WebhookTarget, updates: WebhookUpdate[], now: number): Delivery {
    const raw = Buffer.from(JSON.stringify(buildEnvelope(updates)), 'utf8');
    return { seq: ++this.seq, target, raw, signature: signWebhookBody(raw, target.appSecret), updates: updates.length, attempts: 0, nextAttemptAt: now };
  }

  private nextDelivery(now: number): Delivery | undefined {
    const first = this.ready.shift();
    if (first) return first;
    const retry = this.retrying.peek();
    if (retry && retry.nextAttemptAt <= now) return this.retrying.pop();
    return undefined;
  }

  private send(delivery: Delivery): Promise<void> {
    this.inFlightCount++;
    this.inFlightUpdates += delivery.updates;
    delivery.attempts++;
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': delivery.signature, 'user-agent': USER_AGENT };
    const done = this.post(delivery.target.url, delivery.raw, headers, this.limits.timeoutMs)
      .then((status) => status >= 200 && status < 300)
      .catch(() => false)
      .then((ok) => {
        this.inFlightCount--;
        this.inFlightUpdates -= delivery.updates;
        if (ok) {
          this.held -= delivery.updates;
          this.counters.delivered++;
          this.counters.deliveredUpdates += delivery.updates;
          return;
        }
        this.counters.failedAttempts++;
        if (delivery.attempts >= this.limits.maxAttempts) {
          this.held -= delivery.updates;
          this.counters.exhausted++;
          return;
        }
        delivery.nextAttemptAt = this.clock.now() + this.backoffMs(delivery.attempts);
        this.retrying.push(delivery);
      });
    const tracked = done.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  /** Exponential backoff with ±20 % jitter, capped. */
  backoffMs(failedAttempts: number): number {
    const base = Math.min(this.limits.retryMaxMs, this.limits.retryBaseMs * 2 ** Math.min(30, failedAttempts - 1));
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }
}

/** The production poster: fetch with a timeout; the body is drained so sockets are reused. */
export const fetchPoster: WebhookPoster = async (url, raw, headers, timeoutMs) => {
  const res = await fetch(url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
};
