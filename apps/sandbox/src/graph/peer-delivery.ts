import { Inject, Injectable } from '@nestjs/common';
import { counter } from '@wabridge/telemetry';
import { Clock } from '../common/clock';
import { IdFactory } from '../common/ids';
import { CLOCK, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { NumberRegistry, SandboxNumber } from '../numbers/number-registry';
import { ConversationWindow } from '../rules/conversation-window';
import { ThroughputLimiter } from '../rules/throughput-limiter';
import { WebhookOutboxService } from '../webhooks/webhook-outbox.service';
import { normalizePhone } from './send-request.validator';
import { isJsonObject } from '@wabridge/meta';

const peerMessages = counter('sandbox_peer_messages_total', 'Sends to another sandbox number delivered to it as inbound messages', ['outcome']);

type Json = Record<string, unknown>;

/**
 * What the receiving number's user sees of a send, as an inbound message object: text as text;
 * an interactive message or a template as a text of its body (the sandbox keeps no rendered
 * templates); other types are not routed (undefined).
 */
export function peerMessageOf(body: Json): Json | undefined {
  const type = body.type;
  if (type === 'text' && isJsonObject(body.text) && typeof body.text.body === 'string') return { type: 'text', text: { body: body.text.body } };
  if (type === 'interactive' && isJsonObject(body.interactive) && isJsonObject(body.interactive.body) && typeof body.interactive.body.text === 'string') {
    return { type: 'text', text: { body: body.interactive.body.text } };
  }
  if (type === 'template' && isJsonObject(body.template) && typeof body.template.name === 'string') return { type: 'text', text: { body: `[template ${body.template.name}]` } };
  return undefined;
}

/**
 * Two numbers of the sandbox talking to each other (docs/sandbox.md "Numbers writing to each
 * other"): a delivered send whose recipient is another registered number's display phone number
 * reaches that number as an inbound `messages` webhook from the sender's display number, when
 * the delivered status is due — as if the other business read WhatsApp on that phone. Lets a
 * test watch two platform numbers' automations answer each other.
 */
@Injectable()
export class PeerDelivery {
  constructor(
    private readonly numbers: NumberRegistry,
    private readonly window: ConversationWindow,
    private readonly throughput: ThroughputLimiter,
    private readonly outbox: WebhookOutboxService,
    private readonly ids: IdFactory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
  ) {}

  /** The registered number (other than `from`) that uses `waId` as its display phone number. */
  peerOf(from: SandboxNumber, waId: string | undefined): SandboxNumber | undefined {
    if (waId === undefined) return undefined;
    return this.numbers.list().find((n) => n.phoneNumberId !== from.phoneNumberId && normalizePhone(n.displayPhoneNumber) === waId);
  }

  /** Delivers `body` (a send accepted for delivery) to `peer` as written by `from`'s display number (whose BSUID is `fromUserId`). */
  deliver(from: SandboxNumber, peer: SandboxNumber, body: unknown, fromUserId: string): void {
    const content = isJsonObject(body) ? peerMessageOf(body) : undefined;
    const waId = normalizePhone(from.displayPhoneNumber);
    if (!content || waId === null) {
      peerMessages.inc({ outcome: 'not_routed' });
      return;
    }
    const userId = fromUserId;
    const dueAt = this.clock.now() + this.settings.statusDeliveredDelayMs;
    const message: Json = { from: waId, from_user_id: userId, id: this.ids.wamid(waId), timestamp: String(Math.floor(dueAt / 1000)), ...content };
    this.throughput.recordInbound(peer.phoneNumberId, peer.mps);
    this.window.open(peer.phoneNumberId, userId);
    const queued = this.outbox.enqueue(
      { url: peer.callbackUrl, appSecret: peer.appSecret },
      {
        wabaId: peer.wabaId, field: 'messages', kind: 'message', phoneNumber: { id: peer.phoneNumberId, display: peer.displayPhoneNumber }, value: message,
        contact: { profile: { name: `Sandbox ${from.displayPhoneNumber}` }, wa_id: waId, user_id: userId },
      },
      dueAt,
    );
    peerMessages.inc({ outcome: queued ? 'delivered' : 'outbox_full' });
  }
}
