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
import { TargetGuard, TargetRefusedError } from '@wabridge/http';
import { ClaimedDelivery, DeliveriesRepository } from './deliveries.repository';
import { deliveryMetrics } from './delivery.metrics';
import { nextStep } from './retry-policy';
import { signatureHeader } from './signature';
import { AttemptResult, WebhookSender } from './webhook-sender';

/** Extra lease beyond the request timeout before another instance may take a claimed delivery over. */
const LEASE_MARGIN_MS = 5_000;
/** Successful outcomes written in one statement at most. */
const OUTCOME_BATCH_MAX = 500;
/** An endpoint holds (in flight + leased, waiting to start) at most this many times its concurrency (ADR 0096). */
const CLAIM_AHEAD = 2;
/** How long an endpoint row read by the worker is used without reading it again (other instances' changes). */
const ENDPOINT_CACHE_MS = 2_000;

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
  /** Leased here, not started yet, per endpoint, in id order (claim ahead, ADR 0096). */
  private readonly queued = new Map<string, { d: ClaimedDelivery & { until?: Date }; ep: EndpointRow }[]>();
  private readonly endpointCache = new Map<string, { row: EndpointRow; at: number }>();
  private cacheGeneration = 0;
  private readonly openedSecrets = new Map<string, { secret: EndpointRow['secret']; previous: EndpointRow['previous_secret']; secrets: string[] }>();
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
    this.guard = new TargetGuard({ allow: env.NOTIFIER_ALLOWED_TARGETS, allowSource: 'NOTIFIER_ALLOWED_TARGETS', purpose: 'webhooks', requireHttps: requireHttps(env) });
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
    // leased here but never started: give them back at once instead of letting the leases run out
    const waiting = [...this.queued.values()].flat().map((x) => x.d.id);
    this.queued.clear();
    await this.deliveries.unlease(this.ds, waiting).catch((err: unknown) => this.log.warn(`could not release ${waiting.length} lease(s): ${err instanceof Error ? err.message : String(err)}`));
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

  /** Leased here, in flight or queued to start (ADR 0096). */
  private held(endpointId: string): number {
    return (this.perEndpoint.get(endpointId) ?? 0) + (this.queued.get(endpointId)?.length ?? 0);
  }

  private async tick(): Promise<void> {
    const limit = this.env.NOTIFIER_ENDPOINT_CONCURRENCY;
    const maxHeld = limit * CLAIM_AHEAD;
    let queuedTotal = 0;
    for (const q of this.queued.values()) queuedTotal += q.length;
    const capacity = this.env.NOTIFIER_WORKER_CONCURRENCY * CLAIM_AHEAD - this.total() - queuedTotal;
    if (capacity <= 0) return;
    // An endpoint holding more than one wave (its limit) is not claimed for: each claim for a busy
    // endpoint then takes at least a wave, instead of one row per freed slot.
    const skip = new Set<string>();
    for (const id of this.perEndpoint.keys()) if (this.held(id) > limit) skip.add(id);
    for (const id of this.queued.keys()) if (this.held(id) > limit) skip.add(id);
    const now = new Date(this.clock.now());
    // two autocommit statements, no transaction held across round trips (ADR 0095)
    const candidates = await this.deliveries.candidates(this.ds, now, maxHeld, [...skip]);
    const { chosen, capped } = this.deal(candidates, capacity, maxHeld);
    // A lease covers the wave a delivery is expected to start in (ADR 0096): the first `limit` of an
    // endpoint start now, the next wait for those to answer (at most the request timeout each).
    const waves = new Map<string, number>();
    const untils = chosen.map((c) => {
      const pos = this.held(c.endpoint_id) + (waves.get(c.endpoint_id) ?? 0);
      waves.set(c.endpoint_id, (waves.get(c.endpoint_id) ?? 0) + 1);
      return new Date(now.getTime() + (Math.floor(pos / limit) + 1) * this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS);
    });
    const claimed = await this.deliveries.lease(this.ds, chosen.map((c) => c.id), now, untils);
    const untilOf = new Map(chosen.map((c, i) => [c.id, untils[i]!]));
    if (claimed.length === 0) {
      // another instance leased what this one chose: look again
      if (chosen.length > 0) this.again = true;
      return;
    }
    const endpoints = await this.endpointRows([...new Set(claimed.map((c) => c.endpoint_id))]);
    for (const d of claimed.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) {
      const ep = endpoints.get(d.endpoint_id);
      if (!ep) continue;
      const q = this.queued.get(ep.id) ?? [];
      q.push({ d: { ...d, until: untilOf.get(d.id) }, ep });
      this.queued.set(ep.id, q);
    }
    for (const id of endpoints.keys()) this.pump(id);
    deliveryMetrics.inFlight.set(this.inFlight.size);
    // the global capacity cut this claim short: there may be more due
    if (capped) this.again = true;
  }

  /** Endpoint rows by id: cached for ENDPOINT_CACHE_MS (a change in this instance forgets its row at once). */
  private async endpointRows(ids: string[]): Promise<Map<string, EndpointRow>> {
    const now = Date.now();
    const out = new Map<string, EndpointRow>();
    const missing: string[] = [];
    for (const id of ids) {
      const c = this.endpointCache.get(id);
      if (c && now - c.at < ENDPOINT_CACHE_MS) out.set(id, c.row);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const gen = this.cacheGeneration;
      for (const row of await this.endpoints.byIds(this.ds, missing)) {
        out.set(row.id, row);
        if (gen === this.cacheGeneration) this.endpointCache.set(row.id, { row, at: now });
      }
    }
    return out;
  }

  /** An endpoint changed (PATCH, rotation, deletion, disabled): read its row again before the next attempt. */
  forgetEndpoint(id: string): void {
    this.cacheGeneration++;
    this.endpointCache.delete(id);
  }

  /** Starts queued deliveries of an endpoint while it has a free slot (and the worker does). */
  private pump(endpointId: string): void {
    const q = this.queued.get(endpointId);
    if (!q) return;
    const limit = this.env.NOTIFIER_ENDPOINT_CONCURRENCY;
    while (q.length > 0 && !this.stopped && (this.perEndpoint.get(endpointId) ?? 0) < limit && this.total() < this.env.NOTIFIER_WORKER_CONCURRENCY) {
      const { d, ep } = q.shift()!;
      this.start(d, this.endpointCache.get(ep.id)?.row ?? ep);
    }
    if (q.length === 0) this.queued.delete(endpointId);
  }

  private pumpAll(): void {
    for (const id of [...this.queued.keys()]) this.pump(id);
  }

  private start(d: ClaimedDelivery & { until?: Date }, ep: EndpointRow): void {
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
      this.pump(ep.id);
      // claim more for it once it holds no more than one wave
      if (this.held(ep.id) <= this.env.NOTIFIER_ENDPOINT_CONCURRENCY) this.wake();
    };
    const run: Promise<void> = this.renewIfShort(d)
      .then((ok) => (ok ? this.attempt(d, ep, release) : undefined))
      .catch((err: unknown) => this.log.warn(`delivery ${d.id} not recorded (lease expires, it is tried again): ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.inFlight.delete(run);
        deliveryMetrics.inFlight.set(this.inFlight.size);
        release();
        this.pumpAll();
        // its outcome is committed: the next delivery of its conversation may be claimed now
        if (this.held(ep.id) <= this.env.NOTIFIER_ENDPOINT_CONCURRENCY) this.wake();
      });
    this.inFlight.add(run);
  }

  /**
   * A delivery that waited in the queue longer than its wave (the endpoint answered slowly) gets
   * its lease extended before the attempt, so no other instance can take it while it is in flight;
   * if the lease was lost meanwhile (expired and taken), it is not attempted here.
   */
  private async renewIfShort(d: ClaimedDelivery & { until?: Date }): Promise<boolean> {
    const now = this.clock.now();
    if (!d.until || d.until.getTime() - now >= this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS / 2) return true;
    const until = new Date(now + this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS);
    const ok = await this.deliveries.renew(this.ds, d.id, d.until, until);
    if (ok) d.until = until;
    return ok;
  }

  /** Per-endpoint room (limit minus in flight here), then round-robin so every endpoint gets a share of `capacity`. */
  private deal(candidates: { id: string; endpoint_id: string }[], capacity: number, maxHeld: number): { chosen: { id: string; endpoint_id: string }[]; capped: boolean } {
    const byEndpoint = new Map<string, { id: string; endpoint_id: string }[]>();
    for (const c of candidates) {
      const list = byEndpoint.get(c.endpoint_id) ?? [];
      if (list.length < maxHeld - this.held(c.endpoint_id)) list.push(c);
      byEndpoint.set(c.endpoint_id, list);
    }
    const queues = [...byEndpoint.values()].filter((l) => l.length > 0);
    if (queues.length === 0) return { chosen: [], capped: false };
    const start = this.rotation++ % queues.length;
    const ordered = [...queues.slice(start), ...queues.slice(0, start)];
    const chosen: { id: string; endpoint_id: string }[] = [];
    let capped = false;
    for (let round = 0; ; round++) {
      if (chosen.length >= capacity) {
        capped = true;
        break;
      }
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
    return { chosen, capped };
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
      [WEBHOOK_HEADER.signature]: signatureHeader(this.secretsOf(ep, nowMs), eventId, timestamp, payload),
    };
    return this.sender.post(target, headers, payload);
  }

  /**
   * The endpoint's signing secrets, opened once per sealed value (a sealed value is unique by its
   * IV, so a rotated or changed secret is a new entry; the memo never serves a stale secret).
   */
  private secretsOf(ep: EndpointRow, nowMs: number): string[] {
    const key = `${ep.id}|${ep.secret.iv}|${ep.previous_secret?.iv ?? ''}|${ep.previous_secret_until ? new Date(ep.previous_secret_until).getTime() > nowMs : ''}`;
    const hit = this.openedSecrets.get(key);
    if (hit && hit.secret === ep.secret && hit.previous === ep.previous_secret) return hit.secrets;
    const secrets = endpointSecrets(this.box, ep, nowMs);
    if (this.openedSecrets.size > 10_000) this.openedSecrets.clear();
    this.openedSecrets.set(key, { secret: ep.secret, previous: ep.previous_secret, secrets });
    return secrets;
  }

  /** A primary failure: past NOTIFIER_DISABLE_AFTER_MS of failing without a success, the endpoint is disabled with a notice. */
  private async failing(ep: EndpointRow, at: Date): Promise<void> {
    const since = await this.endpoints.markFailed(this.ds, ep.id, at);
    if (!since || at.getTime() - since.getTime() < this.env.NOTIFIER_DISABLE_AFTER_MS) return;
    const reason = `failing since ${since.toISOString()} (more than ${Math.round(this.env.NOTIFIER_DISABLE_AFTER_MS / 3600000)} h without a successful delivery)`;
    const notified = await this.ds.transaction(async (em) => {
      const disabled = await this.endpoints.disable(em, ep.id, reason, at);
      this.forgetEndpoint(ep.id);
      if (!disabled) return -1;
      const event = notice(ep.tenant_id, 'endpoint-disabled', at, { endpointId: ep.id, message: `webhook endpoint ${ep.url} was disabled: ${reason}` }, `${ep.id}:${at.toISOString()}`);
      return this.store.write(em, [event], at, { origin: 'notice', exceptEndpoint: ep.id });
    });
    if (notified < 0) return;
    deliveryMetrics.disabled.inc();
    this.log.warn(`endpoint ${ep.id} of tenant ${ep.tenant_id} disabled: ${reason}; notice sent to ${notified} other endpoint(s)`);
  }
}
