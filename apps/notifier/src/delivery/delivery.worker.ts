import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@wabridge/config';
import { PublicEventBody, WEBHOOK_HEADER } from '@wabridge/contracts';
import { Clock, ReadThroughCache } from '@wabridge/time';
import { CLOCK, SECRET_BOX } from '../common/tokens';
import { EndpointRow, EndpointsRepository } from '../endpoints/endpoints.repository';
import { endpointSecrets } from '../endpoints/endpoint-secrets';
import { EventStore, FastLease, HandedDelivery } from '../events/event-store';
import { MappedEvent, notice } from '../events/public-event.mapper';
import { NotifierEnv, requireHttps, retrySchedule } from '../notifier.env';
import { CheckedTarget, TargetGuard, TargetRefusedError } from '@wabridge/http';
import { untraced } from '@wabridge/telemetry';
import { ClaimedDelivery, DeliveriesRepository, LeaseRef } from './deliveries.repository';
import { deliveryMetrics } from './delivery.metrics';
import { nextStep } from './retry-policy';
import { signatureHeader } from './signature';
import { AttemptResult, WebhookSender } from './webhook-sender';
import { Tally } from './tally';

/** Extra lease beyond the request timeout before another instance may take a claimed delivery over. */
const LEASE_MARGIN_MS = 5_000;
/** Successful outcomes written in one statement at most. */
const OUTCOME_BATCH_MAX = 500;
/**
 * An outcome statement waits up to this long for more outcomes to join it, unless this many are
 * queued already (ADR 0199): fewer statements per delivery when deliveries trickle in.
 */
const OUTCOME_LINGER_MS = 5;
const OUTCOME_LINGER_ENOUGH = 64;
/** Tries of one outcome statement before its deliveries are left to their leases (ADR 0197). */
const OUTCOME_WRITE_ATTEMPTS = 4;
/**
 * Conversations taken by claims: at most this many times its concurrency per endpoint (ADR 0197;
 * 2 in ADR 0096, when a claim took one delivery per conversation and a conversation in the claim
 * path stayed there) and never more than CLAIM_AHEAD_MAX, and twice NOTIFIER_WORKER_CONCURRENCY
 * in all, never more than CLAIM_TOTAL_MAX. The two caps keep what claims hold in memory (up to
 * CLAIM_RUN deliveries a conversation) where it was with the defaults before ADR 0216 (8 slots per
 * endpoint, 256 in all), when the concurrency defaults went up.
 */
const CLAIM_AHEAD = 16;
const CLAIM_AHEAD_MAX = 128;
const CLAIM_AHEAD_TOTAL = 2;
const CLAIM_TOTAL_MAX = 512;
/** A claim takes a conversation's due deliveries in id order, at most this many (ADR 0197). */
const CLAIM_RUN = 32;
/** How long an endpoint row read by the worker is used without reading it again (other instances' changes). */
const ENDPOINT_CACHE_MS = 2_000;
/** … and how long past that it is still used while read again in the background (ADR 0197). */
const ENDPOINT_STALE_MS = 10_000;
/** Fast path (ADR 0097): no more for an endpoint holding this many deliveries in memory … */
const FAST_ENDPOINT_MAX = 10_000;
/** … nor for any endpoint while the instance holds this many (bodies included: tens of MB). */
const FAST_MAX_HELD = 20_000;

/**
 * A conversation of one endpoint this instance holds the lease of (ADR 0097): its deliveries go
 * out one at a time, in id order, the next once the previous one's outcome is committed.
 */
interface Hold {
  key: string;
  lease: LeaseRef;
  until: Date;
  queue: ClaimedDelivery[];
  busy: boolean;
  ready: boolean;
  /** Its lease was given back (last delivered, or failed): deliveries waiting behind it may be claimed now. */
  released?: boolean;
  /** Taken by a claim (not the consumer's hand-over): counts against the endpoint's claim-ahead bound (ADR 0197). */
  claimed?: boolean;
  /** The hold that continues this conversation under the same lease once this one's last outcome is committed (ADR 0199). */
  successor?: Hold;
}

type DeliveredRow = { id: string; statusCode?: number; latencyMs: number; at: Date };

interface Outcome {
  row: DeliveredRow;
  succeededEndpoint: string | null;
  /** The conversation's lease, given back with this outcome (its last delivery here); null once a new batch kept it (ADR 0199). */
  release: LeaseRef | null;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const holdKey = (endpointId: string, conv: string): string => `${endpointId}\u0000${conv}`;

/** Delivery ids (bigint as text, no leading zeros) in numeric order, without a BigInt per comparison. */
const byId = (a: { id: string }, b: { id: string }): number => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Checked targets of URLs whose host is an IP address, kept (no DNS involved: the check cannot change). */
const CHECKED_IPS_MAX = 1_000;

/**
 * Sends deliveries (ADR 0081). Every delivery is sent under its conversation's lease
 * (`conversation_leases`, ADR 0097), held by one instance at a time: fresh deliveries come from
 * the consumer's insert already leased (fast path, no claim), the rest (retries, replays, those
 * behind a held conversation, other instances' leftovers) are claimed: due candidates read, then
 * leased with a conditional update (ADR 0095). A crash leaves leases that expire, so the delivery
 * is attempted again (at least once). Fairness: an endpoint has at most
 * NOTIFIER_ENDPOINT_CONCURRENCY requests in flight; claims take at most 2× that per endpoint and
 * are dealt round-robin across endpoints, so one slow or hanging endpoint delays nobody else.
 */
@Injectable()
export class DeliveryWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('DeliveryWorker');
  private readonly schedule: number[];
  private readonly sender: WebhookSender;
  private readonly guard: TargetGuard;
  /** This instance in `conversation_leases.owner`. */
  private readonly owner = randomUUID();
  private tokens = 0;
  /** Per endpoint, deliveries in flight here. */
  private readonly perEndpoint = new Tally();
  /** Conversations held here (in flight or queued), by endpoint + conversation. */
  private readonly holds = new Map<string, Hold>();
  /** Per endpoint, held conversations whose next delivery may start, in arrival order. */
  private readonly ready = new Map<string, Hold[]>();
  /** Per endpoint, deliveries leased here and not started yet. */
  private readonly queued = new Tally();
  /** Per endpoint, conversations held here that a claim took (ADR 0197), and their total. */
  private readonly claimHolds = new Tally();
  /**
   * A full look for due deliveries is wanted (the poll, new deliveries nobody handed over, a failure,
   * a claim that found some): `candidates` over every endpoint. Otherwise the worker only probes
   * the conversations it knows deliveries wait in (`waiting`, ADR 0197).
   */
  private scan = true;
  /** Conversations with deliveries stored behind a lease or a waiting delivery (not handed over): probed by the next claim. */
  private readonly waiting = new Set<string>();
  /** Conversations whose hold here is giving its lease back (with an outcome or a failure): not probed until that is committed. */
  private readonly releasing = new Tally();
  /**
   * Endpoint rows by id (ADR 0197, 0218): fresh for ENDPOINT_CACHE_MS, then still used while read
   * again in the background (deliveries do not wait for that read; another instance's change is
   * seen within ENDPOINT_CACHE_MS plus one read), up to ENDPOINT_STALE_MS, after which they wait
   * for it. One read per endpoint at a time; a change in this instance forgets its row at once.
   */
  private readonly endpointCache = new ReadThroughCache<string, EndpointRow | undefined>({
    ttlMs: ENDPOINT_STALE_MS, refreshAheadMs: ENDPOINT_STALE_MS - ENDPOINT_CACHE_MS, keep: (row) => row !== undefined,
    onRefreshError: (err: unknown, id: string) => this.log.warn(`reading endpoint ${id} failed: ${err instanceof Error ? err.message : String(err)}`),
  });
  private readonly openedSecrets = new Map<string, { secret: EndpointRow['secret']; previous: EndpointRow['previous_secret']; secrets: string[] }>();
  private readonly rowSecrets = new WeakMap<EndpointRow, { secrets: string[]; untilMs: number }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly checkedIps = new Map<string, CheckedTarget>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private rotation = 0;
  private readonly outcomes: Outcome[] = [];
  /** Queued outcomes (not yet in a statement) that give a conversation's lease back, by hold key, with the hold they end. */
  private readonly pendingReleases = new Map<string, { outcome: Outcome; hold: Hold }>();
  private flushing: Promise<void> | null = null;
  private lingerDone: (() => void) | null = null;

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
    // in-flight attempts finish (bounded by the request timeout) and record their outcome
    await Promise.allSettled([...this.inFlight]);
    await this.flushing;
    // held here but never started: give them back at once instead of letting the leases run out
    const holds = [...this.holds.values()];
    const rows = holds.flatMap((h) => h.queue.map((d) => ({ id: d.id, until: d.until })));
    this.holds.clear();
    this.ready.clear();
    await this.deliveries.release(this.ds, holds.map((h) => h.lease), rows)
      .catch((err: unknown) => this.log.warn(`could not release ${rows.length} lease(s): ${err instanceof Error ? err.message : String(err)}`));
    this.sender.close();
  }

  /** Look for due deliveries now, everywhere (new ones were committed, an endpoint was enabled, the poll). */
  wake(): void {
    this.scan = true;
    this.kick();
  }

  /** Runs a claim now, or right after the one in progress (a full look only if `scan` is set). */
  private kick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    // the worker's statements and POSTs are measured by metrics, not traced (ADR 0098)
    this.ticking = untraced(() => this.tick())
      .catch((err: unknown) => this.log.warn(`claim failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.kick());
        }
      });
  }

  /**
   * The fast path's lease for one consumed batch (ADR 0097), or null when this instance holds
   * enough in memory already (then everything new waits for the claim path, as before).
   */
  fastLease(now: Date): FastLease | null {
    if (this.stopped || this.queued.total + this.inFlight.size >= FAST_MAX_HELD) return null;
    const blocked: string[] = [];
    for (const id of this.queued.keys()) if (this.held(id) >= FAST_ENDPOINT_MAX) blocked.push(id);
    return {
      owner: this.owner, token: `${this.owner}:${++this.tokens}`, blocked,
      until: new Date(now.getTime() + 2 * this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS),
    };
  }

  /**
   * Deliveries the consumer inserted already leased (fast path, ADR 0097): queued on their
   * conversation's hold and sent without a claim. A row of a lease this instance no longer holds
   * as it was (the chain ended or failed meanwhile) is given back to the claim path.
   */
  accept(rows: HandedDelivery[], events: MappedEvent[], until: Date): void {
    if (rows.length === 0) return;
    const bodies = new Map(events.map((e) => [e.id, e]));
    const giveBack: { id: string; until: Date }[] = [];
    const givenBack = new Set<string>();
    const touched = new Set<string>();
    for (const r of rows.sort(byId)) {
      const e = bodies.get(r.event_id);
      const key = holdKey(r.endpoint_id, r.conversation_key);
      let hold = this.holds.get(key);
      if (e && !this.stopped && r.extended && !hold) hold = this.keepLease(key, r.token, until);
      if (!e || this.stopped || (r.extended && (!hold || hold.lease.token !== r.token))) {
        giveBack.push({ id: r.id, until });
        givenBack.add(r.id);
        continue;
      }
      if (!hold || hold.lease.token !== r.token) {
        // a fresh lease: an old hold of this key (its lease expired and was taken over) is dead
        if (hold) this.drop(hold);
        hold = { key, lease: { endpointId: r.endpoint_id, conv: r.conversation_key, token: r.token }, until, queue: [], busy: false, ready: false };
        this.holds.set(key, hold);
      } else if (until > hold.until) hold.until = until;
      hold.queue.push({
        id: r.id, endpoint_id: r.endpoint_id, tenant_id: e.tenantId, event_id: r.event_id, target: 'primary', attempts: 0,
        body: e.body as unknown as Record<string, unknown>, conversation_key: r.conversation_key, until,
        payload: e.json, occurredMs: e.occurredAt.getTime(),
      });
      this.queued.add(r.endpoint_id, 1);
      deliveryMetrics.handedOver.inc();
      this.markReady(hold);
      touched.add(r.endpoint_id);
    }
    for (const id of touched) this.pump(id);
    deliveryMetrics.inFlight.set(this.inFlight.size);
    if (giveBack.length > 0) {
      for (const r of rows) if (givenBack.has(r.id)) this.waiting.add(holdKey(r.endpoint_id, r.conversation_key));
      void this.deliveries.release(this.ds, [], giveBack)
        .catch((err: unknown) => this.log.warn(`could not give back ${giveBack.length} lease(s) (they expire): ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.kick());
    }
  }

  /**
   * A batch extended the lease of a conversation whose last outcome here is queued to give that
   * lease back (ADR 0199): the outcome keeps the lease instead, and a new hold under it continues
   * the conversation once that outcome is committed — as if the batch had come a moment earlier.
   * Without this (and once the statement is on its way) the batch's deliveries are given back and
   * go through a claim.
   */
  private keepLease(key: string, token: string, until: Date): Hold | undefined {
    const pending = this.pendingReleases.get(key);
    if (!pending || pending.outcome.release?.token !== token) return undefined;
    this.pendingReleases.delete(key);
    const lease = pending.outcome.release;
    pending.outcome.release = null;
    // busy until its predecessor's outcome is committed (start's finally): one at a time, in order
    const hold: Hold = { key, lease, until, queue: [], busy: true, ready: false };
    pending.hold.successor = hold;
    this.holds.set(key, hold);
    return hold;
  }

  /** New deliveries that were not handed over (their conversation was held, or the fast path was off): the claim path takes them. */
  waitingBehind(rows: { endpoint_id: string; conversation_key: string }[]): void {
    if (this.waiting.size > 100_000) this.waiting.clear();
    for (const r of rows) this.waiting.add(holdKey(r.endpoint_id, r.conversation_key));
    this.kick();
  }

  private total(): number {
    return this.inFlight.size;
  }

  /** Leased here, in flight or queued to start (ADR 0096). */
  private held(endpointId: string): number {
    return this.perEndpoint.get(endpointId) + this.queued.get(endpointId);
  }

  private markReady(hold: Hold): void {
    if (hold.busy || hold.ready || hold.queue.length === 0) return;
    hold.ready = true;
    const list = this.ready.get(hold.lease.endpointId) ?? [];
    list.push(hold);
    this.ready.set(hold.lease.endpointId, list);
  }

  private async tick(): Promise<void> {
    const full = this.scan;
    this.scan = false;
    const limit = this.env.NOTIFIER_ENDPOINT_CONCURRENCY;
    // at least one wave of the endpoint's concurrency, whatever it is set to
    const maxHeld = Math.max(limit, Math.min(limit * CLAIM_AHEAD, CLAIM_AHEAD_MAX));
    // The claim-ahead bounds count conversations taken by claims (ADR 0197): deliveries handed
    // over by the consumer (bounded by FAST_*) do not keep the claim path waiting during a burst.
    const capacity = Math.min(this.env.NOTIFIER_WORKER_CONCURRENCY * CLAIM_AHEAD_TOTAL, CLAIM_TOTAL_MAX) - this.claimHolds.total;
    if (capacity <= 0) return;
    // An endpoint holding more than half its bound of claimed conversations is not claimed for:
    // each claim for a busy endpoint then takes many at once, instead of one per finished run.
    const skip = new Set<string>();
    for (const [id, n] of this.claimHolds.entries()) if (n > maxHeld / 2) skip.add(id);
    const now = new Date(this.clock.now());
    // two autocommit statements, no transaction held across round trips (ADR 0095): the candidates
    // of every endpoint (a full look), or only of the conversations deliveries are known to wait in
    // (ADR 0197: one index probe each, not a walk over a burst's thousands of leased rows)
    let candidates: { id: string; endpoint_id: string }[];
    if (full) candidates = await this.deliveries.candidates(this.ds, now, maxHeld, [...skip]);
    else {
      const keys: { endpointId: string; conv: string }[] = [];
      for (const key of this.waiting) {
        if (keys.length >= capacity) break;
        const [endpointId, conv] = key.split('\u0000') as [string, string];
        // held here, or its lease is being given back: probed again once that is done
        if (this.holds.has(key) || this.releasing.has(key) || skip.has(endpointId)) continue;
        this.waiting.delete(key);
        keys.push({ endpointId, conv });
      }
      if (keys.length === 0) return;
      candidates = await this.deliveries.heads(this.ds, now, keys);
    }
    const { chosen, capped } = this.deal(candidates, capacity, maxHeld);
    if (chosen.length === 0) {
      if (full && skip.size > 0) this.scan = true;
      return;
    }
    // A claimed conversation's lease lasts as long as a fast-path lease (two request timeouts +
    // margin, ADR 0197; ADR 0096 sized it by the wave it should start in). Each delivery that
    // starts with less than a request timeout (+ half the margin) left renews it first, or is not
    // attempted if the lease was lost meanwhile: a short lease costs a claim, never an order.
    const until = new Date(now.getTime() + 2 * this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS);
    const untils = chosen.map(() => until);
    const token = `${this.owner}:${++this.tokens}`;
    const { claimed, orphans, gaps } = await this.deliveries.lease(this.ds, chosen.map((c) => c.id), now, untils, this.owner, token, CLAIM_RUN);
    if (orphans.length > 0 || gaps.length > 0) await this.deliveries.release(this.ds, orphans, gaps);
    // another instance leased what this one chose, or there may be more due
    if (full) this.scan = true;
    if (claimed.length === 0) {
      if (full) this.again = true;
      return;
    }
    const touched = new Set<string>();
    const runs = new Map<string, ClaimedDelivery[]>();
    for (const d of claimed.sort(byId)) {
      const key = holdKey(d.endpoint_id, d.conversation_key);
      const run = runs.get(key);
      if (run) run.push(d);
      else runs.set(key, [d]);
    }
    for (const [key, queue] of runs) {
      const d = queue[0]!;
      const old = this.holds.get(key);
      if (old) this.drop(old);
      const hold: Hold = { key, lease: { endpointId: d.endpoint_id, conv: d.conversation_key, token }, until: d.until, queue, busy: false, ready: false, claimed: true };
      this.holds.set(key, hold);
      this.claimHolds.add(d.endpoint_id, 1);
      this.queued.add(d.endpoint_id, queue.length);
      this.markReady(hold);
      touched.add(d.endpoint_id);
    }
    for (const id of touched) this.pump(id);
    deliveryMetrics.inFlight.set(this.inFlight.size);
    // the global capacity cut this claim short: there may be more due
    if (capped) this.again = true;
  }

  /** An endpoint changed (PATCH, rotation, deletion, disabled): read its row again before the next attempt. */
  forgetEndpoint(id: string): void {
    this.endpointCache.invalidate(id);
  }

  /** Starts the next delivery of ready conversations of an endpoint while it has a free slot (and the worker does). */
  private pump(endpointId: string): void {
    const list = this.ready.get(endpointId);
    if (!list) return;
    const limit = this.env.NOTIFIER_ENDPOINT_CONCURRENCY;
    while (list.length > 0 && !this.stopped && this.perEndpoint.get(endpointId) < limit && this.total() < this.env.NOTIFIER_WORKER_CONCURRENCY) {
      const hold = list.shift()!;
      hold.ready = false;
      if (this.holds.get(hold.key) !== hold || hold.busy || hold.queue.length === 0) continue;
      this.start(hold);
    }
    if (list.length === 0) this.ready.delete(endpointId);
  }

  private pumpAll(): void {
    for (const id of [...this.ready.keys()]) this.pump(id);
  }

  /** Forgets a hold here (its lease is released, lost or expiring); its queued deliveries are dropped from memory. */
  private drop(hold: Hold): { id: string; until: Date }[] {
    if (this.holds.get(hold.key) === hold) {
      this.holds.delete(hold.key);
      if (hold.claimed) this.claimHolds.add(hold.lease.endpointId, -1);
    }
    const rows = hold.queue.map((d) => ({ id: d.id, until: d.until }));
    this.queued.add(hold.lease.endpointId, -rows.length);
    hold.queue = [];
    return rows;
  }

  private start(hold: Hold): void {
    const d = hold.queue.shift()!;
    const endpointId = hold.lease.endpointId;
    hold.busy = true;
    this.queued.add(endpointId, -1);
    this.perEndpoint.add(endpointId, 1);
    // The endpoint's slot is its HTTP request: freed when the answer is in, while the outcome is
    // still being written (the conversation stays held until then: the next of it waits).
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.perEndpoint.add(endpointId, -1);
      this.pump(endpointId);
    };
    // no span per POST and per outcome statement (ADR 0098): attempts are counted and timed by
    // the metrics and recorded in the delivery log; the consumer's batch span stays
    let recorded = true;
    const run: Promise<void> = untraced(() => this.run(hold, d, release))
      .catch((err: unknown) => {
        // not recorded: its lease expires and it is tried again; the rest of the conversation waits for that
        recorded = false;
        this.log.warn(`delivery ${d.id} not recorded (lease expires, it is tried again): ${err instanceof Error ? err.message : String(err)}`);
        this.drop(hold);
      })
      .finally(() => {
        this.inFlight.delete(run);
        deliveryMetrics.inFlight.set(this.inFlight.size);
        release();
        hold.busy = false;
        if (this.holds.get(hold.key) === hold) this.markReady(hold);
        // a batch kept the lease this outcome was giving back (ADR 0199): its hold may start now,
        // or, if this outcome was not recorded, waits for the lease to run out like the rest
        const next = hold.successor;
        if (next) {
          hold.successor = undefined;
          next.busy = false;
          if (!recorded) this.drop(next);
          else if (this.holds.get(next.key) === next) this.markReady(next);
        }
        this.pumpAll();
        // the conversation's lease is back and deliveries wait behind it: claim now (not at the next poll)
        if (hold.released) this.releasing.add(hold.key, -1);
        if (hold.released && this.waiting.has(hold.key)) this.kick();
        // claim more for the endpoint once it holds no more than one wave (only if something may wait
        // for a claim); a claimed conversation's end frees room in the claim-ahead bound (ADR 0197)
        else if ((this.scan || this.waiting.size > 0) && (hold.claimed ? this.claimHolds.get(endpointId) : this.held(endpointId)) <= this.env.NOTIFIER_ENDPOINT_CONCURRENCY) this.kick();
      });
    this.inFlight.add(run);
  }

  /** One delivery of a held conversation: lease checked, sent, outcome recorded (and the lease released when it was the last). */
  private async run(hold: Hold, d: ClaimedDelivery, answered: () => void): Promise<void> {
    // the cached row without a promise in the common case (ADR 0201)
    const ep = this.endpointCache.peek(d.endpoint_id) ?? (await this.endpointCache.get(d.endpoint_id, () => this.endpoints.byIds(this.ds, [d.endpoint_id]).then(([row]) => row)));
    if (!ep) {
      // the endpoint is gone (its deliveries with it)
      this.drop(hold);
      await this.deliveries.release(this.ds, [hold.lease], []);
      return;
    }
    if (!this.leaseLastsAnAttempt(hold) && !(await this.renewIfShort(hold, d))) {
      // lost (expired and taken over): another instance sends this conversation now
      this.drop(hold);
      return;
    }
    const url = d.target === 'fallback' && ep.fallback_url ? ep.fallback_url : ep.url;
    const now = this.clock.now();
    const result = await this.send(ep, url, d.event_id, d.body, now, d.payload);
    answered();
    const at = new Date(this.clock.now());
    deliveryMetrics.attemptLatency.observe(result.latencyMs / 1000);
    if (result.ok) {
      deliveryMetrics.attempts.inc({ outcome: 'delivered' });
      // the last of its conversation here: the lease goes with the outcome (one statement); a
      // delivery handed over after this point finds no hold and goes back to the claim path
      let releaseLease: LeaseRef | null = null;
      if (hold.queue.length === 0) {
        this.drop(hold);
        releaseLease = hold.lease;
        hold.released = true;
        this.releasing.add(hold.key, 1);
      }
      await this.recordDelivered({ id: d.id, statusCode: result.statusCode, latencyMs: result.latencyMs, at }, d.target === 'primary' ? ep.id : null, releaseLease, hold);
      if (d.attempts === 0) {
        const occurred = d.occurredMs ?? Date.parse(String((d.body as { timestamp?: string }).timestamp));
        if (Number.isFinite(occurred)) deliveryMetrics.endToEnd.observe(Math.max(0, at.getTime() - occurred) / 1000);
      }
      return;
    }
    deliveryMetrics.attempts.inc({ outcome: result.refused ? 'refused' : 'failed' });
    const step = nextStep(this.schedule, d.attempts + 1, ep.fallback_url !== null);
    const next = step.kind === 'retry' ? { target: step.target, at: new Date(at.getTime() + step.delayMs) } : null;
    await this.deliveries.failed(this.ds, d.id, result, next, at);
    // the conversation waits for the retry: the rest goes back to the claim path (in id order)
    const rest = this.drop(hold);
    hold.released = true;
    this.releasing.add(hold.key, 1);
    await this.deliveries.release(this.ds, [hold.lease], rest);
    this.scan = true;
    if (!next) {
      deliveryMetrics.dead.inc();
      this.log.warn(`delivery ${d.id} of event ${d.event_id} to endpoint ${ep.id} is dead after ${d.attempts + 1} attempts: ${result.error ?? result.statusCode}`);
    }
    if (d.target === 'primary') await this.failing(ep, at);
  }

  /**
   * A delivery that waited longer than its lease allows for (its endpoint answered slowly) has its
   * conversation's lease extended before the attempt, so no other instance can take it over while
   * it is in flight; if the lease was lost meanwhile (expired and taken), it is not attempted here.
   */
  private leaseLastsAnAttempt(hold: Hold): boolean {
    return hold.until.getTime() - this.clock.now() >= this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS / 2;
  }

  private async renewIfShort(hold: Hold, d: ClaimedDelivery): Promise<boolean> {
    const now = this.clock.now();
    if (hold.until.getTime() - now >= this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS / 2) return true;
    const until = new Date(now + this.env.NOTIFIER_REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS);
    const ok = await this.deliveries.renew(this.ds, hold.lease, d.id, new Date(now), until);
    if (ok) {
      hold.until = until;
      d.until = until;
    }
    return ok;
  }

  /** Per-endpoint room (limit minus in flight here), then round-robin so every endpoint gets a share of `capacity`. */
  private deal(candidates: { id: string; endpoint_id: string }[], capacity: number, maxHeld: number): { chosen: { id: string; endpoint_id: string }[]; capped: boolean } {
    const byEndpoint = new Map<string, { id: string; endpoint_id: string }[]>();
    for (const c of candidates) {
      const list = byEndpoint.get(c.endpoint_id) ?? [];
      if (list.length < maxHeld - this.claimHolds.get(c.endpoint_id)) list.push(c);
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

  /**
   * Records a successful attempt. Outcomes that finish while a write is in flight, or within
   * OUTCOME_LINGER_MS of the first one queued (ADR 0199), go together in the next statement (one
   * commit): with one commit per delivery the WAL flush, not the HTTP request, limited deliveries
   * per second (bench/README.md, notifier). The commit is asynchronous (ADR 0098: no wait for the
   * WAL flush). The caller's conversation continues only once its outcome is committed, as before.
   */
  private recordDelivered(row: DeliveredRow, succeededEndpoint: string | null, release: LeaseRef | null, hold: Hold): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const outcome: Outcome = { row, succeededEndpoint, release, resolve, reject };
      this.outcomes.push(outcome);
      if (release) this.pendingReleases.set(hold.key, { outcome, hold });
      if (!this.flushing) this.flushing = this.flushOutcomes();
      else if (this.lingerDone && this.outcomes.length >= OUTCOME_LINGER_ENOUGH) this.lingerDone();
    });
  }

  /** Waits up to OUTCOME_LINGER_MS for more outcomes (ADR 0199), less once OUTCOME_LINGER_ENOUGH are queued. */
  private linger(): Promise<void> {
    if (this.stopped || this.outcomes.length >= OUTCOME_LINGER_ENOUGH) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.lingerDone?.(), OUTCOME_LINGER_MS);
      this.lingerDone = () => {
        this.lingerDone = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async flushOutcomes(): Promise<void> {
    while (this.outcomes.length > 0) {
      await this.linger();
      const batch = this.outcomes.splice(0, OUTCOME_BATCH_MAX);
      // on its way: a lease it gives back can no longer be kept by a new batch (ADR 0199)
      for (const o of batch) {
        if (!o.release) continue;
        const key = holdKey(o.release.endpointId, o.release.conv);
        if (this.pendingReleases.get(key)?.outcome === o) this.pendingReleases.delete(key);
      }
      // A failed write is tried again a few times before its deliveries count as unrecorded: each
      // unrecorded one is sent again once its lease runs out (ADR 0197; a whole group at once).
      for (let attempt = 1; ; attempt++) {
        try {
          await this.deliveries.delivered(
            this.ds, batch.map((o) => o.row), [...new Set(batch.flatMap((o) => (o.succeededEndpoint ? [o.succeededEndpoint] : [])))],
            batch.flatMap((o) => (o.release ? [o.release] : [])),
          );
          for (const o of batch) o.resolve();
          break;
        } catch (err) {
          if (attempt >= OUTCOME_WRITE_ATTEMPTS || this.stopped) {
            for (const o of batch) o.reject(err);
            break;
          }
          this.log.warn(`recording ${batch.length} outcome(s) failed (attempt ${attempt}), trying again: ${err instanceof Error ? err.message : String(err)}`);
          await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
        }
      }
    }
    this.flushing = null;
  }

  /**
   * One signed POST; a target the SSRF guard refuses now (DNS changed) is a failed attempt.
   * `json`: the body as serialized when it was stored (fresh deliveries), else it is serialized here.
   */
  async send(
    ep: EndpointRow, url: string, eventId: string, body: Record<string, unknown> | PublicEventBody, nowMs: number, json?: string,
  ): Promise<AttemptResult & { refused?: boolean }> {
    let target;
    try {
      target = this.checkedIps.get(url) ?? (await this.check(url));
    } catch (err) {
      if (err instanceof TargetRefusedError) return { ok: false, latencyMs: 0, error: `target refused: ${err.message}`, refused: true };
      throw err;
    }
    const payload = json ?? JSON.stringify(body);
    const timestamp = Math.floor(nowMs / 1000);
    const headers: Record<string, string> = {
      [WEBHOOK_HEADER.id]: eventId,
      [WEBHOOK_HEADER.timestamp]: String(timestamp),
      [WEBHOOK_HEADER.signature]: signatureHeader(this.secretsOf(ep, nowMs), eventId, timestamp, payload),
    };
    return this.sender.post(target, headers, payload);
  }

  /**
   * The SSRF guard's check of a URL. A URL whose host is an IP address passes or fails the same
   * way every time (no DNS; the allow-list is fixed at boot), so its checked target is kept;
   * a host name is resolved and checked again for every attempt (ADR 0198).
   */
  private async check(url: string): Promise<CheckedTarget> {
    const target = await this.guard.check(url);
    if (isIP(target.url.hostname.replace(/^\[|\]$/g, '')) !== 0) {
      if (this.checkedIps.size >= CHECKED_IPS_MAX) this.checkedIps.clear();
      this.checkedIps.set(url, target);
    }
    return target;
  }

  /**
   * The endpoint's signing secrets, opened once per sealed value (a sealed value is unique by its
   * IV, so a rotated or changed secret is a new entry; the memo never serves a stale secret).
   */
  private secretsOf(ep: EndpointRow, nowMs: number): string[] {
    // per row object first (a changed endpoint is a new row object): no key string per delivery (ADR 0201)
    const mine = this.rowSecrets.get(ep);
    if (mine && nowMs < mine.untilMs) return mine.secrets;
    const secrets = this.openSecrets(ep, nowMs);
    const previousUntil = ep.previous_secret && ep.previous_secret_until ? new Date(ep.previous_secret_until).getTime() : Number.POSITIVE_INFINITY;
    // while a previous secret still signs, until it stops; after that the row's secrets never change
    this.rowSecrets.set(ep, { secrets, untilMs: previousUntil > nowMs ? previousUntil : Number.POSITIVE_INFINITY });
    return secrets;
  }

  private openSecrets(ep: EndpointRow, nowMs: number): string[] {
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
