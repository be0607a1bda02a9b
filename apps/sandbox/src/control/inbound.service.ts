import { Inject, Injectable } from '@nestjs/common';
import { isBsuid } from '@wabridge/meta';
import { Clock } from '../common/clock';
import { ControlError } from '../common/control-error';
import { bsuidForWaId, IdFactory } from '../common/ids';
import { CLOCK } from '../config/sandbox-settings';
import { countryOf } from '../graph/send.service';
import { MEDIA_TYPES, normalizePhone } from '../graph/send-request.validator';
import { MediaStore, StoredMedia } from '../media/media-store';
import { sampleMedia } from '../media/media-types';
import { NumberRegistry } from '../numbers/number-registry';
import { ConversationWindow } from '../rules/conversation-window';
import { ThroughputLimiter } from '../rules/throughput-limiter';
import { WebhookOutboxService } from '../webhooks/webhook-outbox.service';
import { InboundDto } from './dto/inbound.dto';

/**
 * A simulated user writes to a number: the message goes out as a signed `messages` webhook
 * (shaped like Meta's, username users without `from`/`wa_id`), the 24 h window opens, and
 * the message counts against the number's throughput. Media without an uploaded id get a
 * small sample file that can be downloaded through the media endpoints.
 */
@Injectable()
export class InboundService {
  constructor(
    private readonly numbers: NumberRegistry,
    private readonly ids: IdFactory,
    private readonly media: MediaStore,
    private readonly window: ConversationWindow,
    private readonly throughput: ThroughputLimiter,
    private readonly outbox: WebhookOutboxService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  receive(dto: InboundDto): { wamid: string } {
    const number = this.numbers.get(dto.phoneNumberId);
    if (!number) throw new ControlError(404, 'unknown_number', `no sandbox number ${dto.phoneNumberId}; register it with POST /_sandbox/numbers`);

    let waId: string | undefined;
    let userId: string;
    if (isBsuid(dto.from)) {
      userId = dto.from;
    } else {
      const digits = normalizePhone(dto.from);
      if (digits === null) throw new ControlError(400, 'invalid_request', 'from must be a phone number (digits, optional +) or a BSUID (CC.<id>)');
      waId = digits;
      userId = bsuidForWaId(digits, countryOf(digits));
    }

    const type = dto.message.type;
    if (typeof type !== 'string' || !/^[a-z_]{1,40}$/.test(type)) throw new ControlError(400, 'invalid_request', 'message.type must be a message type such as text, image or interactive');
    const content = this.content(dto.phoneNumberId, type, dto.message[type]);

    const now = this.clock.now();
    const wamid = this.ids.wamid(waId ?? userId);
    // The sandbox owns the ids and the sender; everything else (context, referral, …) passes through.
    const { type: _type, id: _id, from: _from, from_user_id: _fromUserId, ...rest } = dto.message;
    const message: Record<string, unknown> = {};
    if (waId !== undefined) message.from = waId;
    message.from_user_id = userId;
    message.id = wamid;
    message.timestamp = String(Math.floor(now / 1000));
    message.type = type;
    Object.assign(message, rest);
    if (content !== undefined) message[type] = content;

    const profile: Record<string, unknown> = { name: dto.profileName ?? 'Sandbox User' };
    if (waId === undefined && dto.username !== undefined) profile.username = dto.username;
    const contact: Record<string, unknown> = waId !== undefined ? { profile, wa_id: waId, user_id: userId } : { profile, user_id: userId };

    this.throughput.recordInbound(number.phoneNumberId, number.mps);
    this.window.open(number.phoneNumberId, userId);
    const queued = this.outbox.enqueue(
      { url: number.callbackUrl, appSecret: number.appSecret },
      { wabaId: number.wabaId, field: 'messages', kind: 'message', phoneNumber: { id: number.phoneNumberId, display: number.displayPhoneNumber }, value: message, contact },
      now,
    );
    if (!queued) throw new ControlError(503, 'outbox_full', 'the webhook outbox is full; the receiver is not keeping up');
    return { wamid };
  }

  private content(phoneNumberId: string, type: string, given: unknown): unknown {
    if (type === 'text') {
      if (typeof given !== 'object' || given === null || typeof (given as { body?: unknown }).body !== 'string') {
        throw new ControlError(400, 'invalid_request', 'a text message needs message.text.body');
      }
      return given;
    }
    if (!(MEDIA_TYPES as readonly string[]).includes(type)) return given;
    const fields = typeof given === 'object' && given !== null ? { ...(given as Record<string, unknown>) } : {};
    let stored: StoredMedia | undefined;
    if (typeof fields.id === 'string') {
      stored = this.media.get(fields.id);
      if (!stored) throw new ControlError(400, 'unknown_media', `media ${fields.id} is not in the sandbox; upload it first or omit the id`);
    } else {
      const sample = sampleMedia(type);
      stored = this.media.put(this.ids.numericId(), phoneNumberId, sample.mimeType, sample.bytes);
    }
    return { ...fields, mime_type: stored.mimeType, sha256: stored.sha256, id: stored.id };
  }
}
