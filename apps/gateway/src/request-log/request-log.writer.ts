import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { monotonicFactory } from 'ulid';
import { counter, logger } from '@wabridge/telemetry';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GATEWAY_ENV } from '../tokens';
import { pooledRandom } from '../messages/message-id';
import { CapturedCall, toRow } from './request-log.entry';
import { RequestLogRepository } from './request-log.repository';

const BATCH_ROWS = 500;

const recorded = counter('gateway_request_log_recorded_total', 'Tenant API calls written to the request log');
const dropped = counter('gateway_request_log_dropped_total', 'Tenant API calls not written to the request log (queue_full: over REQUEST_LOG_QUEUE_MAX; write_failed: the batch INSERT failed)', ['reason']);

/**
 * Writes the request log in batches, off the request path (ADR 0180): a call is queued (a push),
 * and the queue is written every REQUEST_LOG_FLUSH_MS or at 500 calls, one INSERT per batch;
 * redaction and serialization happen here too, not while the client waits. The queue is
 * bounded (REQUEST_LOG_QUEUE_MAX): under overload calls are dropped and counted, a send is
 * never slowed or refused for the log's sake. A failed INSERT drops its batch (counted).
 */
@Injectable()
export class RequestLogWriter implements OnApplicationShutdown {
  private queue: CapturedCall[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  // The package's monotonic ids, random parts from a pooled buffer (not a crypto call per character).
  private readonly ulid = monotonicFactory(pooledRandom);
  private readonly log = logger('request-log');

  constructor(
    private readonly repo: RequestLogRepository,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
  ) {}

  get enabled(): boolean {
    return this.env.REQUEST_LOG_ENABLED;
  }

  record(call: CapturedCall): void {
    if (this.queue.length >= this.env.REQUEST_LOG_QUEUE_MAX) {
      dropped.inc({ reason: 'queue_full' });
      return;
    }
    this.queue.push(call);
    if (this.queue.length >= BATCH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.env.REQUEST_LOG_FLUSH_MS).unref();
  }

  /** Writes everything queued so far (tests and shutdown await it). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.writeAll().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH_ROWS);
      try {
        const rows = batch.map((c) => toRow(this.ulid(c.at), c, this.env.REQUEST_LOG_BODY_MAX_BYTES));
        await this.repo.insertMany(rows);
        recorded.inc(rows.length);
      } catch (err) {
        dropped.inc({ reason: 'write_failed' }, batch.length);
        this.log.warn({ err, calls: batch.length }, 'request log batch not written');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
