import { createHash, hash as sha } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OUTBOUND_REQUESTED_V1, OutboundRequestedV1, TEMPLATE_CATEGORIES, TemplateCategory } from '@wabridge/contracts';
import { ApiError } from '@wabridge/http';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { sendPermission } from '@wabridge/meta';
import { RegistryService } from '../accounts/registry.service';
import { Principal } from '../auth/principal';
import { Clock } from '../auth/rate-limiter';
import { TemplatesService } from '../templates/templates.service';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, DATA_SOURCE, GATEWAY_ENV } from '../tokens';
import { ContactWindowClient, windowProblem } from './contact-window';
import { mediaReferencesOf, MediaResolver, withMetaMediaIds } from './media-resolver';
import { AcceptBatcher } from './accept-batcher';
import { newMessageId } from './message-id';
import { MessageRow, MessagesRepository, NewMessage } from './messages.repository';
import { ScheduledSendsRepository } from './scheduled-sends.repository';
import { sourceHeader } from './message-projection.service';
import { NormalizedSend, parseCloudSend } from './send-request';
import { assertRegistered } from '../onboarding/registration-state';

/** Error code of a send refused because Meta does not let the number's WABA send (422). */
export const NUMBER_NOT_ALLOWED = 'number_not_allowed';

export interface SendResult {
  id: string;
  /** `scheduled`: held by the gateway until its `sendAt`, cancellable (ADR 0150). */
  status: 'accepted' | 'scheduled';
  /** True when an earlier request with the same Idempotency-Key produced this answer. */
  replayed: boolean;
  to?: string;
  recipient?: string;
}

/** JSON with sorted keys: equal bodies hash equal however their keys were ordered. */
export function canonicalJson(value: unknown): string {
  // Loops rather than map/filter/join (the send path's hot spot); the output is byte for byte
  // what it always was: stored request hashes must keep matching their retries.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + ((canonicalJson(value[i]) as string | undefined) ?? '');
    return `${out}]`;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = obj[k];
      if (v === undefined) continue;
      out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
      first = false;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

const HOUR_MS = 3_600_000;

/**
 * The idempotency key the command carries to the dispatcher, which deduplicates on (tenant,
 * key) for as long as it keeps the message. Keys expire here after the TTL, so the key sent on
 * is the client's key plus the TTL period it was used in: a retry within the TTL (even one
 * after a crash that lost our row) carries the same value, a reuse after expiry (always in a
 * later period, since more than one TTL has passed) a new one. Stays within 255 characters
 * (ADR 0067).
 */
export function dispatcherIdempotencyKey(key: string, atMs: number, ttlMs: number): string {
  const period = Math.floor(atMs / ttlMs).toString(36);
  const plain = `${key}#${period}`;
  return plain.length <= 255 ? plain : `sha256:${createHash('sha256').update(key).digest('hex')}#${period}`;
}

export function requestHash(send: NormalizedSend): string {
  const { source: _source, ...rest } = send;
  return sha('sha256', canonicalJson(rest), 'hex');
}

/**
 * Accepts a send: the message row (with its idempotency key) and the produce of the command
 * commit together — the row is inserted in a transaction that commits only after Kafka
 * acknowledged the command (acks=all). Kafka down → rollback → 503, nothing accepted.
 * A crash (or a lost commit) after the ack leaves the command on the topic without a row; the
 * client saw no 202 and retries, producing a second command with the same idempotency key,
 * which the dispatcher deduplicates on (tenantId, idempotencyKey). See docs/adr/0011. Sends to
 * go now are group-committed with their concurrent neighbours (AcceptBatcher, ADR 0192).
 */
@Injectable()
export class SendService implements OnModuleInit {
  private readonly media: MediaResolver;
  private readonly contactWindow: ContactWindowClient;
  private readonly batcher: AcceptBatcher;
  /** Concurrent sends of one template share its lookup (ADR 0192). */

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    private readonly registry: RegistryService,
    private readonly messages: MessagesRepository,
    private readonly scheduledSends: ScheduledSendsRepository,
    private readonly templates: TemplatesService,
    private readonly producer: EventProducer,
  ) {
    this.media = new MediaResolver(env);
    this.contactWindow = new ContactWindowClient(env);
    this.batcher = new AcceptBatcher(messages, producer);
  }

  /** Loads Meta's spec and the phone metadata now, not on the first request (seconds under load). */
  onModuleInit(): void {
    parseCloudSend('1', { messaging_product: 'whatsapp', to: '+14155550123', type: 'text', text: { body: 'warm-up' } });
  }

  async send(principal: Principal, send: NormalizedSend, idempotencyKey?: string): Promise<SendResult> {
    const tenantId = principal.tenantId;
    const number = await this.registry.findTenantNumber(tenantId, send.phoneNumberId);
    if (!number) throw ApiError.notFound('phone number');
    assertRegistered(number);
    const permission = sendPermission({ reviewStatus: number.review_status, banState: number.ban_state, restrictions: number.restrictions, restrictedUntil: number.restricted_until }, this.clock.now());
    if (!permission.maySend) {
      // Meta would refuse it (ADR 0163): said now, not after a Graph call or a held queue.
      throw new ApiError(422, NUMBER_NOT_ALLOWED, `Meta does not let this number's WhatsApp Business Account send (${permission.reason})`,
        { reason: permission.reason, ...(permission.until ? { until: permission.until } : {}) });
    }
    const templateCategory = send.type === 'template' ? await this.templates.assertSendable(tenantId, number.waba_id, send.message.template as Record<string, unknown>) : undefined;
    const hash = requestHash(send);
    const id = newMessageId();
    const now = this.clock.now();
    const requestedAt = new Date(now).toISOString();
    const ttlMs = this.env.IDEMPOTENCY_KEY_TTL_HOURS * HOUR_MS;
    let message = send.message;
    // Later than the release lead: held here, cancellable, released when due (ADR 0150).
    const scheduled = send.sendAt !== undefined && Date.parse(send.sendAt) > now + this.env.SCHEDULED_RELEASE_LEAD_MS;
    const media = mediaReferencesOf(send);
    if (idempotencyKey && (media.length > 0 || (scheduled && send.type !== 'template'))) {
      // A retry of an accepted request is answered first: no media fetched or uploaded again, no window asked.
      const earlier = await this.messages.findByIdempotencyKey(tenantId, idempotencyKey);
      if (earlier && new Date(earlier.created_at).getTime() >= now - ttlMs) return this.replay(earlier, hash);
    }
    if (scheduled && send.type !== 'template') {
      // A free-form message scheduled for after the contact's 24 h window closes is refused now (ADR 0150 §5).
      const problem = windowProblem(send.sendAt!, await this.contactWindow.windowOpenUntil(tenantId, send));
      if (problem) throw problem;
    }
    if (media.length > 0) {
      // Our media id or a link becomes Meta's id before anything is stored (ADR 0111).
      const resolved = [];
      for (const ref of media) resolved.push({ ref, metaMediaId: await this.media.resolve(tenantId, send.phoneNumberId, ref, send.sendAt) });
      message = withMetaMediaIds(send.message, resolved);
    }
    const command: OutboundRequestedV1 = {
      id, tenantId, phoneNumberId: send.phoneNumberId, type: send.type, message, source: send.source, requestedAt,
    };
    if (send.to) command.to = send.to;
    if (send.recipient) command.recipient = send.recipient;
    if (idempotencyKey) command.idempotencyKey = dispatcherIdempotencyKey(idempotencyKey, now, ttlMs);
    if (send.metadata) command.metadata = send.metadata;
    if (templateCategory && (TEMPLATE_CATEGORIES as readonly string[]).includes(templateCategory)) command.templateCategory = templateCategory as TemplateCategory;
    if (send.sendAt) command.sendAt = send.sendAt;
    if (send.campaignId) command.campaignId = send.campaignId;

    const row: NewMessage = {
      id, tenantId, phoneNumberId: send.phoneNumberId, to: send.to, recipientUserId: send.recipient, type: send.type,
      idempotencyKey, requestHash: hash, source: send.source, metadata: send.metadata, createdAt: requestedAt,
      sendAt: send.sendAt, scheduled,
    };
    // Sends to go now share a transaction and a produce with their concurrent neighbours (ADR 0192).
    const accept = (): Promise<boolean> => (scheduled
      ? this.db.transaction(async (m) => {
        if (!(await this.messages.insertAccepted(m, row))) return false;
        await this.scheduledSends.insert(m, { messageId: id, tenantId, phoneNumberId: send.phoneNumberId, sendAt: send.sendAt!, command });
        return true;
      })
      : this.batcher.accept(row, contractEvent(OUTBOUND_REQUESTED_V1, send.phoneNumberId, command, { tenantId, headers: sourceHeader(command.source) })));
    let inserted = await accept();
    if (!inserted && idempotencyKey) {
      // A key older than the TTL is forgotten: this is a new request (ADR 0067).
      const expired = await this.messages.expireIdempotencyKey(tenantId, idempotencyKey, new Date(now - ttlMs));
      if (expired) inserted = await accept();
    }
    if (inserted) return { id, status: scheduled ? 'scheduled' : 'accepted', replayed: false, to: send.to, recipient: send.recipient };

    const earlier = await this.messages.findByIdempotencyKey(tenantId, idempotencyKey!);
    if (!earlier) throw ApiError.unavailable('idempotency record vanished; retry');
    return this.replay(earlier, hash);
  }

  /** The answer to a retry of an accepted request (same key): the same message, or 409 for another body. */
  private replay(earlier: MessageRow, hash: string): SendResult {
    if (earlier.request_hash !== hash) {
      throw ApiError.conflict('Idempotency-Key was already used with a different request body', { messageId: earlier.id });
    }
    const status = earlier.history[0]?.status === 'scheduled' ? 'scheduled' : 'accepted';
    return { id: earlier.id, status, replayed: true, to: earlier.to ?? undefined, recipient: earlier.recipient_user_id ?? undefined };
  }
}
