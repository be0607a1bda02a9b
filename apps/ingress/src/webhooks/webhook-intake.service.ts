import { Inject, Injectable } from '@nestjs/common';
import { WEBHOOK_RECEIVED_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { ApiError, safeEqual } from '@wabridge/http';
import { contractEvent, EventProducer, KafkaUnavailableError } from '@wabridge/kafka';
import { verifyWebhookSignature } from '@wabridge/meta';
import { APP_REGISTRY, AppRegistry } from '../apps-registry/app-registry';
import { counter } from '@wabridge/telemetry';

const received = counter('wabridge_ingress_webhooks_total', 'Meta webhook POSTs by outcome', ['outcome']);

/** The partition key: the phone number the webhook is about, else the WABA (entry id). */
export function webhookKey(payload: unknown): string | null {
  const entry = (payload as { entry?: unknown })?.entry;
  const first = Array.isArray(entry) ? (entry[0] as Record<string, unknown> | undefined) : undefined;
  const changes = first?.changes;
  const change = Array.isArray(changes) ? (changes[0] as Record<string, unknown> | undefined) : undefined;
  const value = change?.value as Record<string, unknown> | undefined;
  const metadata = value?.metadata as Record<string, unknown> | undefined;
  const phone = metadata?.phone_number_id;
  if (typeof phone === 'string' && phone.length > 0) return phone;
  if (typeof first?.id === 'string') return first.id;
  return null;
}

@Injectable()
export class WebhookIntakeService {
  constructor(
    @Inject(APP_REGISTRY) private readonly apps: AppRegistry,
    private readonly producer: EventProducer,
  ) {}

  /** Meta's subscription handshake: echo the challenge only for our verify token. */
  verify(appId: string, mode: unknown, token: unknown, challenge: unknown): string {
    const app = this.apps.find(appId);
    if (!app) throw ApiError.notFound('app');
    if (mode !== 'subscribe' || typeof token !== 'string' || !safeEqual(token, app.verifyToken) || typeof challenge !== 'string') {
      throw ApiError.forbidden('verification failed');
    }
    return challenge;
  }

  /**
   * Checks the signature over the exact raw bytes, then makes the body durable in Kafka
   * (acks=all). Only after that does the caller answer 200, so Meta never loses a webhook.
   */
  async accept(appId: string, raw: Buffer, signature: string | string[] | undefined, requestId: string): Promise<void> {
    const app = this.apps.find(appId);
    if (!app) {
      received.inc({ outcome: 'unknown_app' });
      throw ApiError.notFound('app');
    }
    if (!verifyWebhookSignature(raw, signature, app.appSecret)) {
      received.inc({ outcome: 'bad_signature' });
      throw ApiError.unauthorized('invalid X-Hub-Signature-256');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      received.inc({ outcome: 'not_json' });
      throw ApiError.badRequest('body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      received.inc({ outcome: 'not_json' });
      throw ApiError.badRequest('body must be a JSON object');
    }
    const event: WebhookReceivedV1 = {
      appId,
      receivedAt: new Date().toISOString(),
      rawBody: raw.toString('base64'),
      signature: typeof signature === 'string' ? signature : undefined,
      requestId,
    };
    try {
      await this.producer.send(contractEvent(WEBHOOK_RECEIVED_V1, webhookKey(payload) ?? appId, event));
    } catch (err) {
      received.inc({ outcome: 'kafka_unavailable' });
      if (err instanceof KafkaUnavailableError) throw ApiError.unavailable('webhook could not be stored; retry later');
      throw err;
    }
    received.inc({ outcome: 'accepted' });
  }
}
