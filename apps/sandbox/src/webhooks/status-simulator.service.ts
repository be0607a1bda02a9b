import { Inject, Injectable } from '@nestjs/common';
import { Clock, Random } from '../common/clock';
import { webhookError } from '../common/graph-error';
import { CLOCK, RANDOM, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { SandboxNumber } from '../numbers/number-registry';
import { WebhookUpdate } from './webhook-envelope';
import { WebhookOutboxService } from './webhook-outbox.service';

export type PricingCategory = 'marketing' | 'utility' | 'authentication' | 'service';

/** What the status webhooks of one accepted send need to know. */
export interface AcceptedSend {
  number: SandboxNumber;
  wamid: string;
  /** The recipient's phone (absent for username users addressed by BSUID). */
  waId?: string;
  userId: string;
  /** Graph version of the send, e.g. `v23.0` (the `conversation` object is omitted from v24 on). */
  version: string;
  category: PricingCategory;
  /** Sent inside the customer-service window (service and utility messages are then free). */
  inWindow: boolean;
  bizOpaqueCallbackData?: string;
  /** Set when the send was accepted but will fail asynchronously. */
  failure?: { code: number; details?: string };
}

/**
 * Turns an accepted send into its status webhooks: `sent` → `delivered` → `read` at the
 * configured delays (a share fails or stays unread as configured), or one `failed` status
 * carrying Meta's error object when a rule decided the message cannot be delivered.
 */
@Injectable()
export class StatusSimulator {
  constructor(
    private readonly outbox: WebhookOutboxService,
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
  ) {}

  schedule(send: AcceptedSend): void {
    const now = this.clock.now();
    const s = this.settings;
    if (send.failure) {
      this.push(send, 'failed', now + s.statusSentDelayMs, webhookError(send.failure.code, send.failure.details));
      return;
    }
    this.push(send, 'sent', now + s.statusSentDelayMs);
    if (this.random() < s.statusFailureRate) {
      this.push(send, 'failed', now + s.statusDeliveredDelayMs, webhookError(131026));
      return;
    }
    this.push(send, 'delivered', now + s.statusDeliveredDelayMs);
    if (this.random() < s.statusReadRate) this.push(send, 'read', now + s.statusReadDelayMs);
  }

  private push(send: AcceptedSend, status: 'sent' | 'delivered' | 'read' | 'failed', dueAt: number, error?: ReturnType<typeof webhookError>): void {
    const value: Record<string, unknown> = { id: send.wamid, status, timestamp: String(Math.floor(dueAt / 1000)) };
    if (send.waId !== undefined) value.recipient_id = send.waId;
    value.recipient_user_id = send.userId;
    if (send.bizOpaqueCallbackData !== undefined) value.biz_opaque_callback_data = send.bizOpaqueCallbackData;
    if (status === 'sent' || status === 'delivered') {
      if (majorVersion(send.version) < 24) {
        value.conversation = {
          id: conversationId(send),
          ...(status === 'sent' ? { expiration_timestamp: String(Math.floor((dueAt + 24 * 3600 * 1000) / 1000)) } : {}),
          origin: { type: send.category },
        };
      }
      value.pricing = pricingOf(send);
    }
    if (error) value.errors = [error];
    const contact: Record<string, unknown> = send.waId !== undefined ? { wa_id: send.waId, user_id: send.userId } : { user_id: send.userId };
    const update: WebhookUpdate = {
      wabaId: send.number.wabaId,
      field: 'messages',
      kind: 'status',
      phoneNumber: { id: send.number.phoneNumberId, display: send.number.displayPhoneNumber },
      value,
      contact,
    };
    this.outbox.enqueue({ url: send.number.callbackUrl, appSecret: send.number.appSecret }, update, dueAt);
  }
}

/**
 * Meta's per-message pricing (since July 2025): service messages and utility templates inside
 * the customer-service window are free; everything else is billed at the regular rate.
 */
export function pricingOf(send: Pick<AcceptedSend, 'category' | 'inWindow'>): Record<string, unknown> {
  const free = send.category === 'service' || (send.category === 'utility' && send.inWindow);
  return { billable: !free, pricing_model: 'PMP', type: free ? 'free_customer_service' : 'regular', category: send.category };
}

function majorVersion(version: string): number {
  const match = /^v(\d+)/.exec(version);
  return match ? Number(match[1]) : 0;
}

function conversationId(send: AcceptedSend): string {
  return Buffer.from(`${send.number.phoneNumberId}:${send.userId}`).toString('hex').slice(0, 32);
}
