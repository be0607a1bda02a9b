import { AsyncResource } from 'node:async_hooks';
import { isPgUnavailable } from '@wabridge/database';
import { ApiError } from '@wabridge/http';
import { EventProducer, OutgoingEvent } from '@wabridge/kafka';
import { untraced } from '@wabridge/telemetry';
import { kafkaUnavailableTo503 } from '../accounts/durable';
import { MessagesRepository, NewMessage } from './messages.repository';

export interface AcceptBatcherOptions {
  /** Most sends in one transaction (one multi-row INSERT, one produce of their commands). */
  maxBatch?: number;
  /**
   * Most batches (= pooled connections) at once; sends arriving meanwhile form the next batch.
   * 1 (ADR 0211; 2 before): larger batches, so fewer statements and produces per send.
   */
  maxInFlight?: number;
  /** Most sends waiting for a batch; beyond it a send is answered 503 at once. */
  maxQueued?: number;
}

interface Waiting {
  row: NewMessage;
  /** Produces the send's command in the request's own async context (its trace, its log fields). */
  produce: () => Promise<void>;
  resolve: (fresh: boolean) => void;
  reject: (err: unknown) => void;
}

/** Lock order of a batch: by (tenant, key), so two batches never wait on each other's keys in a cycle. */
function byIdempotencyKey(a: Waiting, b: Waiting): number {
  const ka = `${a.row.tenantId}\u0000${a.row.idempotencyKey ?? ''}`;
  const kb = `${b.row.tenantId}\u0000${b.row.idempotencyKey ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Group commit of accepted sends (ADR 0192, refining ADR 0011). Each send still gets the
 * answer ADR 0011 promises — its row committed only after its command was acknowledged by
 * Kafka (acks=all), Kafka down → 503 and nothing accepted — but the sends that arrive while
 * the previous batches are busy share one transaction: one multi-row `INSERT … ON CONFLICT
 * DO NOTHING RETURNING id`, the produce of every fresh row's command, one COMMIT. Instead of
 * three statements and a pooled connection held per send, that is three statements in two
 * round trips per batch (`BEGIN` goes with the INSERT, ADR 0210) and one batch, one pooled
 * connection, at a time (`maxInFlight`, ADR 0211). At low load a batch is one send started on
 * the next turn of the event loop: nothing waits for a timer.
 *
 * A send whose Idempotency-Key is already taken (by a committed row, by another send of the
 * same batch, or by a batch still in flight, which the INSERT waits for as before) resolves
 * `false`; the caller then replays or answers 409 exactly as before. A batch that fails
 * before anything was produced for reasons other than an unreachable database is retried
 * one send at a time, so one bad row cannot fail its neighbours.
 */
export class AcceptBatcher {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly producer: EventProducer,
    options: AcceptBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.maxQueued = options.maxQueued ?? 20000;
  }

  /**
   * Inserts `row` and produces `event` durably; true when the row is new and its command on
   * Kafka, false when the Idempotency-Key was used before (nothing produced). Rejects with a
   * 503 ApiError when Kafka did not take the command (the row is rolled back).
   */
  accept(row: NewMessage, event: OutgoingEvent): Promise<boolean> {
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(ApiError.unavailable(`too many sends waiting to be accepted (${this.maxQueued}); nothing was accepted, retry later`));
    }
    // The request's context (its trace, its log fields) for the produce, captured with an
    // AsyncResource run by hand — not AsyncResource.bind: on Node 24 each bind() wraps its
    // deprecated `asyncResource` accessors with deprecate(), and the function it returns then
    // survives every young-generation GC until the next full one, with all it holds (here the
    // event; fastify's bind in its body parser kept whole requests): ~4 MB promoted per
    // scavenge and a 10-70 ms mark-compact every ~10 s under load (ADR 0207).
    const resource = new AsyncResource('wabridge.accept');
    const produce = (): Promise<void> => resource.runInAsyncScope(() => this.producer.send(event));
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, produce, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // The next turn of the event loop: every request parsed in this one joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      // Outside the trace of whichever request happened to start the batch; each command's
      // publish span and traceparent still belong to its own request (Waiting.produce).
      void untraced(() => this.run(batch)).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    if (batch.length > 1) batch.sort(byIdempotencyKey);
    let producing = false;
    let inserted: Set<string>;
    try {
      // BEGIN + INSERT in one round trip, the produce, COMMIT (ADR 0210).
      inserted = await this.messages.acceptMany(batch.map((w) => w.row), async (ids) => {
        const fresh = batch.filter((w) => ids.has(w.row.id));
        if (fresh.length > 0) {
          producing = true;
          // Every command's outcome is known before the transaction ends either way.
          const outcomes = await Promise.allSettled(fresh.map((w) => w.produce()));
          const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
          if (failed) kafkaUnavailableTo503(failed.reason);
        }
      });
    } catch (err) {
      if (!producing && batch.length > 1 && !isPgUnavailable(err)) {
        // Which row is to blame is unknown: each send on its own, so only its own request fails.
        for (const w of batch) await this.run([w]);
        return;
      }
      for (const w of batch) w.reject(err);
      return;
    }
    for (const w of batch) w.resolve(inserted.has(w.row.id));
  }
}
