import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@wabridge/config';
import { PublicEventBody, WEBHOOK_HEADER } from '@wabridge/contracts';
import { Clock } from '@wabridge/time';
import { CLOCK, SECRET_BOX } from '../common/tokens';
import { EndpointRow, EndpointsRepository } from '../endpoints/endpoints.repository';
import { endpointSecrets } from '../endpoints/endpoint-secrets';
import { EventStore } from '../events/event-store';
import { notice } from '../events/public-event.mapper';
import { NotifierEnv, requireHttps, retrySchedule } from '../notifier.env';
import { TargetGuard, TargetRefusedError } from '../ssrf/target-guard';
import { ClaimedDelivery, DeliveriesRepository } from './deliveries.repository';
import { deliveryMetrics } from './delivery.metrics';
import { nextStep } from './retry-policy';
import { signatureHeader } from './signature';
import { AttemptResult, WebhookSender } from './webhook-sender';

/** Extra lease beyond the request timeout before another instance may take a claimed delivery over. */
const LEASE_MARGIN_MS = 5_000;
/** Successful outcomes written in one statement at most. */
const OUTCOME_BATCH_MAX = 500;

type DeliveredRow = { id: string; statusCode?: number; latencyMs: number; at: Date };

/**
 * Sends due deliveries (ADR 0081). Reads due candidates and leases them with a conditional
 * update (ADR 0095: several instances share the work; a row leased elsewhere meanwhile is
 * skipped). A crash leaves a lease that expires, so the delivery is attempted again (at least once). Fairness: each claim takes at most the
 * per-endpoint limit from each endpoint, endpoints at their limit are skipped, and the global
 * capacity is dealt round-robin across endpoints, so one slow or hanging endpoint holds at most
 * NOTIFIER_ENDPOINT_CONCURRENCY slots and delays nobody else.
 */
@Injectable()
export class DeliveryWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('DeliveryWorker');
  private readonly schedule: number[];
  private readonly sender: WebhookSender;
  private readonly guard: TargetGuard;
  private readonly perEndpoint = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private rotation = 0;
  private readonly outcomes: { row: DeliveredRow; succeededEndpoint: string | null; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly env: NotifierEnv,
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {
    this.schedule = retrySchedule(env);
    this.sender = new WebhookSender(env.NOTIFIER_REQUEST_TIMEOUT_MS);
    this.guard = new TargetGuard({ allow: env.NOTIFIER_ALLOWED_TARGETS, requireHttps: requireHttps(env) });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.wake(), this.env.NOTIFIER_POLL_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    // in-flight attempts finish (bounded by the request timeout) and record their outcome
    await Promise.allSettled([...this.inFlight]);
    this.sender.close();
  }

  /** Look for due deliveries now (after new ones were committed, or one finished). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.log.warn(`claim failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.wake());
        }
      });
  }

  private total(): number {
    return this.inFlight.size;
  }

  private async tick(): Promise<void> {
    const capacity = this.env.NOTIFIER_WORKER_CONCURRENCY - this.total();
    if (capacity <= 0) return;
    const limit = this.env.NOTIFIER_ENDPOINT_CONCURRENCY;
    const full = [...this.perEndpoint].filter(([, n]) => n >= limit).map(([id]) => id);
    const now = new Date(this.clock.now());
    // two autocommit statements, no transaction held across round trips (ADR 0095)
    const candidates = await this.deliveries.candidates(this.ds, now, limit, full);
    const chosen = this.deal(candidates, capacity);
    const claimed = await this.deliveries.lease(this.ds, chosen, now, new Date(now.getTime() + this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS));
    if (claimed.length === 0) {
      // another instance leased what this one chose: look again
      if (chosen.length > 0) this.again = true;
      return;
    }
    const endpoints = new Map((await this.endpoints.byIds(this.ds, [...new Set(claimed.map((c) => c.endpoint_id))])).map((e) => [e.id, e]));
    for (const d of claimed.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) {
      const ep = endpoints.get(d.endpoint_id);
      if (!ep) continue;
      this.perEndpoint.set(ep.id, (this.perEndpoint.get(ep.id) ?? 0) + 1);
      // The endpoint's slot is its HTTP request: freed when the answer is in, while the outcome is
      // still being written (the row stays leased and pending until then, so neither it nor the
      // next of its conversation can be claimed meanwhile; order holds).
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        const left = (this.perEndpoint.get(ep.id) ?? 1) - 1;
        if (left <= 0) this.perEndpoint.delete(ep.id);
        else this.perEndpoint.set(ep.id, left);
        this.wake();
      };
      const run: Promise<void> = this.attempt(d, ep, release)
        .catch((err: unknown) => this.log.warn(`delivery ${d.id} not recorded (lease expires, it is tried again): ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.inFlight.delete(run);
          deliveryMetrics.inFlight.set(this.inFlight.size);
          release();
          this.wake();
        });
      this.inFlight.add(run);
    }
    deliveryMetrics.inFlight.set(this.inFlight.size);
    // there may be more due than one claim took
    if (claimed.length > 0) this.again = true;
  }

  /** Per-endpoint room (limit minus in flight here), then round-robin so every endpoint gets a share of `capacity`. */
  private deal(candidates: { id: string; endpoint_id: string }[], capacity: number): string[] {
    const byEndpoint = new Map<string, string[]>();
    for (const c of candidates) {
      const list = byEndpoint.get(c.endpoint_id) ?? [];
      if (list.length < this.env.NOTIFIER_ENDPOINT_CONCURRENCY - (this.perEndpoint.get(c.endpoint_id) ?? 0)) list.push(c.id);
      byEndpoint.set(c.endpoint_id, list);
    }
    const queues = [...byEndpoint.values()].filter((l) => l.length > 0);
    if (queues.length === 0) return [];
    const start = this.rotation++ % queues.length;
    const ordered = [...queues.slice(start), ...queues.slice(0, start)];
    const chosen: string[] = [];
    for (let round = 0; chosen.length < capacity; round++) {
      let took = false;
      for (const q of ordered) {
        const id = q[round];
        if (id !== undefined && chosen.length < capacity) {
          chosen.push(id);
          took = true;
        }
      }
      if (!took) break;
    }
    return chosen;
  }

  private async attempt(d: ClaimedDelivery, ep: EndpointRow, answered: () => void): Promise<void> {
    const url = d.target === 'fallback' && ep.fallback_url ? ep.fallback_url : ep.url;
    const now = this.clock.now();
    const result = await this.send(ep, url, d.event_id, d.body, now);
    answered();
    const at = new Date(this.clock.now());
    deliveryMetrics.attemptLatency.observe(result.latencyMs / 1000);
    if (result.ok) {
      deliveryMetrics.attempts.inc({ outcome: 'delivered' });
      await this.recordDelivered({ id: d.id, statusCode: result.statusCode, latencyMs: result.latencyMs, at }, d.target === 'primary' ? ep.id : null);
      if (d.attempts === 0) {
        const occurred = Date.parse(String((d.body as { timestamp?: string }).timestamp));
        if (Number.isFinite(occurred)) deliveryMetrics.endToEnd.observe(Math.max(0, at.getTime() - occurred) / 1000);
      }
      return;
    }
    deliveryMetrics.attempts.inc({ outcome: result.refused ? 'refused' : 'failed' });
    const step = nextStep(this.schedule, d.attempts + 1, ep.fallback_url !== null);
    const next = step.kind === 'retry' ? { target: step.target, at: new Date(at.getTime() + step.delayMs) } : null;
    await this.deliveries.failed(this.ds, d.id, result, next, at);
    if (!next) {
      deliveryMetrics.dead.inc();
      this.log.warn(`delivery ${d.id} of event ${d.event_id} to endpoint ${ep.id} is dead after ${d.attempts + 1} attempts: ${result.error ?? result.statusCode}`);
    }
    if (d.target === 'primary') await this.failing(ep, at);
  }

  /**
   * Records a successful attempt. Outcomes that finish while a write is in flight wait and go
   * together in the next one (one statement, one commit): with one commit per delivery the WAL
   * flush, not the HTTP request, limited deliveries per second (bench/README.md, notifier). The
   * caller's slot is freed only once its outcome is committed, as before.
   */
  private recordDelivered(row: DeliveredRow, succeededEndpoint: string | null): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outcomes.push({ row, succeededEndpoint, resolve, reject });
      if (!this.flushing) this.flushing = this.flushOutcomes();
    });
  }

  private async flushOutcomes(): Promise<void> {
    while (this.outcomes.length > 0) {
      const batch = this.outcomes.splice(0, OUTCOME_BATCH_MAX);
      try {
        await this.deliveries.delivered(this.ds, batch.map((o) => o.row), [...new Set(batch.flatMap((o) => (o.succeededEndpoint ? [o.succeededEndpoint] : [])))]);
        for (const o of batch) o.resolve();
      } catch (err) {
        for (const o of batch) o.reject(err);
      }
    }
    this.flushing = null;
  }

  /** One signed POST; a target the SSRF guard refuses now (DNS changed) is a failed attempt. */
  async send(ep: EndpointRow, url: string, eventId: string, body: Record<string, unknown> | PublicEventBody, nowMs: number): Promise<AttemptResult & { refused?: boolean }> {
    let target;
    try {
      target = await this.guard.check(url);
    } catch (err) {
      if (err instanceof TargetRefusedError) return { ok: false, latencyMs: 0, error: `target refused: ${err.message}`, refused: true };
      throw err;
    }
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(nowMs / 1000);
    const headers = {
      [WEBHOOK_HEADER.id]: eventId,
      [WEBHOOK_HEADER.timestamp]: String(timestamp),
      [WEBHOOK_HEADER.signature]: signatureHeader(endpointSecrets(this.box, ep, nowMs), eventId, timestamp, payload),
    };
    return this.sender.post(target, headers, payload);
  }

  /** A primary failure: past NOTIFIER_DISABLE_AFTER_MS of failing without a success, the endpoint is disabled with a notice. */
  private async failing(ep: EndpointRow, at: Date): Promise<void> {
    const since = await this.endpoints.markFailed(this.ds, ep.id, at);
    if (!since || at.getTime() - since.getTime() < this.env.NOTIFIER_DISABLE_AFTER_MS) return;
    const reason = `failing since ${since.toISOString()} (more than ${Math.round(this.env.NOTIFIER_DISABLE_AFTER_MS / 3600000)} h without a successful delivery)`;
    const notified = await this.ds.transaction(async (em) => {
      const disabled = await this.endpoints.disable(em, ep.id, reason, at);
      if (!disabled) return -1;
      const event = notice(ep.tenant_id, 'endpoint-disabled', at, { endpointId: ep.id, message: `webhook endpoint ${ep.url} was disabled: ${reason}` }, `${ep.id}:${at.toISOString()}`);
      return this.store.write(em, [event], at, { origin: 'notice', exceptEndpoint: ep.id });
    });
    if (notified < 0) return;
    deliveryMetrics.disabled.inc();
    this.log.warn(`endpoint ${ep.id} of tenant ${ep.tenant_id} disabled: ${reason}; notice sent to ${notified} other endpoint(s)`);
  }
}
