import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { SecretBox } from '@wabridge/config';
import { PUBLIC_EVENT_TYPES } from '@wabridge/contracts';
import { ApiError, TargetGuard, TargetRefusedError } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { CLOCK, SECRET_BOX } from '../common/tokens';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { newWebhookSecret } from '../delivery/signature';
import { EventStore, endpointMatches } from '../events/event-store';
import { notice } from '../events/public-event.mapper';
import { NotifierEnv, requireHttps } from '../notifier.env';
import { CreateEndpointBody, DeliveriesQuery, PatchEndpointBody, ReplayQuery } from './dto/endpoints.dto';
import { secretAad } from './endpoint-secrets';
import { deliveryView, endpointView } from './endpoint.view';
import { EndpointChanges, EndpointRow, EndpointsRepository } from './endpoints.repository';

const MAX_ENDPOINTS_PER_TENANT = 20;
const MAX_REPLAY_EVENTS = 10000;

/** The tenant's webhook endpoints: CRUD, secret rotation, replay, delivery log, test send. */
@Injectable()
export class EndpointsService {
  private readonly guard: TargetGuard;

  constructor(
    private readonly ds: DataSource,
    private readonly env: NotifierEnv,
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly store: EventStore,
    private readonly worker: DeliveryWorker,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {
    this.guard = new TargetGuard({ allow: env.NOTIFIER_ALLOWED_TARGETS, allowSource: 'NOTIFIER_ALLOWED_TARGETS', purpose: 'webhooks', requireHttps: requireHttps(env) });
  }

  /** 400 naming the field when a URL is refused by the SSRF guard (checked again at every delivery). */
  private async checkUrl(field: string, url: string): Promise<void> {
    try {
      await this.guard.check(url);
    } catch (err) {
      if (err instanceof TargetRefusedError) throw ApiError.badRequest(`${field} ${err.message}`, [{ field, problem: err.message }]);
      throw err;
    }
  }

  private async get(tenantId: string, id: string): Promise<EndpointRow> {
    const ep = await this.endpoints.find(this.ds, tenantId, id);
    if (!ep) throw ApiError.notFound('webhook endpoint');
    return ep;
  }

  async create(tenantId: string, body: CreateEndpointBody) {
    await this.checkUrl('url', body.url);
    if (body.fallbackUrl) await this.checkUrl('fallbackUrl', body.fallbackUrl);
    if ((await this.endpoints.list(this.ds, tenantId)).length >= MAX_ENDPOINTS_PER_TENANT) {
      throw ApiError.conflict(`at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints per tenant`);
    }
    const id = `we_${ulid()}`;
    const secret = newWebhookSecret();
    const row = await this.endpoints.insert(this.ds, {
      id, tenant_id: tenantId, url: body.url, fallback_url: body.fallbackUrl ?? null, events: body.events ? [...new Set(body.events)] : null,
      phone_number_ids: body.phoneNumberIds ? [...new Set(body.phoneNumberIds)] : null, description: body.description ?? null, enabled: true,
      secret: this.box.seal(secret, secretAad(id)), created_at: new Date(this.clock.now()),
    });
    return { ...endpointView(row), secret };
  }

  async list(tenantId: string) {
    return { data: (await this.endpoints.list(this.ds, tenantId)).map(endpointView) };
  }

  async show(tenantId: string, id: string) {
    return endpointView(await this.get(tenantId, id));
  }

  async update(tenantId: string, id: string, body: PatchEndpointBody) {
    await this.get(tenantId, id);
    if (body.url !== undefined) await this.checkUrl('url', body.url);
    if (body.fallbackUrl) await this.checkUrl('fallbackUrl', body.fallbackUrl);
    const changes: EndpointChanges = {
      url: body.url, fallback_url: body.fallbackUrl, events: body.events === null ? null : body.events && [...new Set(body.events)],
      phone_number_ids: body.phoneNumberIds === null ? null : body.phoneNumberIds && [...new Set(body.phoneNumberIds)],
      description: body.description, enabled: body.enabled,
    };
    const row = await this.endpoints.update(this.ds, tenantId, id, changes, new Date(this.clock.now()));
    this.worker.forgetEndpoint(id);
    if (!row) throw ApiError.notFound('webhook endpoint');
    if (body.enabled === true) this.worker.wake();
    return endpointView(row);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const removed = await this.endpoints.remove(this.ds, tenantId, id);
    this.worker.forgetEndpoint(id);
    if (!removed) throw ApiError.notFound('webhook endpoint');
  }

  /** A new secret, shown once; the previous one keeps signing for NOTIFIER_SECRET_OVERLAP_MS. */
  async rotate(tenantId: string, id: string) {
    await this.get(tenantId, id);
    const secret = newWebhookSecret();
    const now = this.clock.now();
    const row = await this.endpoints.rotate(this.ds, tenantId, id, this.box.seal(secret, secretAad(id)), new Date(now + this.env.NOTIFIER_SECRET_OVERLAP_MS), new Date(now));
    this.worker.forgetEndpoint(id);
    if (!row) throw ApiError.notFound('webhook endpoint');
    return { id, secret, previousSecretValidUntil: row.previous_secret_until?.toISOString() ?? null };
  }

  /** Delivers the stored events of [since, until) again (types and the endpoint's filters apply), in their order. */
  async replay(tenantId: string, id: string, query: ReplayQuery) {
    const ep = await this.get(tenantId, id);
    const types = query.types ? query.types.split(',') : null;
    const unknown = types?.filter((t) => !(PUBLIC_EVENT_TYPES as readonly string[]).includes(t)) ?? [];
    if (unknown.length > 0) throw ApiError.badRequest(`unknown event types: ${unknown.join(', ')}`);
    const now = new Date(this.clock.now());
    const since = new Date(query.since);
    const until = query.until ? new Date(query.until) : now;
    if (until <= since) throw ApiError.badRequest('until must be after since');
    const queued = await this.ds.transaction(async (em) => {
      const events = await this.deliveries.replayable(em, tenantId, since, until, types, MAX_REPLAY_EVENTS + 1);
      if (events.length > MAX_REPLAY_EVENTS) throw ApiError.badRequest(`more than ${MAX_REPLAY_EVENTS} events in the range; replay a shorter range`);
      const rows = events
        .filter((e) => endpointMatches(ep, e.type, e.phone_number_id))
        .map((e) => ({ endpoint: ep.id, tenant: tenantId, event: e.id, conv: e.conversation_key }));
      await this.store.insertDeliveries(em, rows, 'replay', now);
      return rows.length;
    });
    this.worker.wake();
    return { endpointId: id, queued, since: since.toISOString(), until: until.toISOString() };
  }

  async log(tenantId: string, id: string, query: DeliveriesQuery) {
    await this.get(tenantId, id);
    const limit = query.limit ?? 50;
    const rows = await this.deliveries.log(this.ds, tenantId, id, { status: query.status, before: query.cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { data: page.map(deliveryView), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /** One signed `account.alert` (kind `webhook-test`) to the primary URL now; the answer is the attempt's outcome. */
  async test(tenantId: string, id: string) {
    const ep = await this.get(tenantId, id);
    const now = new Date(this.clock.now());
    const event = notice(tenantId, 'webhook-test', now, { endpointId: id, message: 'test event sent from the API' }, ulid());
    // stored (the delivery log joins it), sent to this endpoint only, synchronously
    await this.store.write(this.ds, [event], now, { fanOut: false });
    const result = await this.worker.send(ep, ep.url, event.id, event.body, now.getTime());
    const deliveryId = await this.deliveries.recordTest(this.ds, id, tenantId, event.id, result, new Date(this.clock.now()));
    return {
      deliveryId, eventId: event.id, delivered: result.ok, statusCode: result.statusCode ?? null, latencyMs: result.latencyMs, error: result.error ?? null,
    };
  }
}
