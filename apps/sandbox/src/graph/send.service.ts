import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { validateSendRequest, type MetaOpenApi } from '@wabridge/meta';
import { counter } from '@wabridge/telemetry';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { AccountStateStore } from '../account/account-state.store';
import { CallsLog } from '../calls/calls-log';
import { Clock } from '../common/clock';
import { GraphError } from '../common/graph-error';
import { bearerToken, checkVersion, invalidToken, unknownObject } from '../common/graph-errors';
import { bsuidForWaId, IdFactory } from '../common/ids';
import { CLOCK, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { FaultRegistry } from '../faults/fault-registry';
import { MediaStore } from '../media/media-store';
import { NumberRegistry, SandboxNumber } from '../numbers/number-registry';
import { RegistrationBook } from '../onboarding/registration-book';
import { ConversationWindow } from '../rules/conversation-window';
import { MarketingLimit } from '../rules/marketing-limit';
import { MessagingLimit } from '../rules/messaging-limit';
import { NotOnWhatsAppRule } from '../rules/not-on-whatsapp';
import { PairLimiter } from '../rules/pair-limiter';
import { bodyParameterCount, TemplateRegistry } from '../rules/template-registry';
import { ThroughputLimiter } from '../rules/throughput-limiter';
import { AcceptedSend, PricingCategory, StatusSimulator } from '../webhooks/status-simulator.service';
import { PeerDelivery } from './peer-delivery';
import { normalizePhone, OutboundMessage, parseSendRequest } from './send-request.validator';

const sendsByCode = counter('sandbox_graph_messages_total', 'Calls to /messages by answer: 200 or the Meta error code', ['code']);

/** Bodies larger than this are logged as a size only, so the calls log stays bounded in bytes too. */
const MAX_LOGGED_BODY_CHARS = 64 * 1024;

type SpecSendResponse = MetaOpenApi.components['schemas']['MessageResponsePayload'];
type SpecContact = NonNullable<SpecSendResponse['contacts']>[number];

/** Meta's send response from the spec; `contacts[].user_id` answers BSUID sends (2026, newer than the v23 spec). */
export type SendResponse = Omit<SpecSendResponse, 'contacts'> & { contacts: (SpecContact & { user_id?: string })[] };
export type MarkReadResponse = MetaOpenApi.components['schemas']['MarkMessageResponsePayload'];

export interface GraphReply {
  status: number;
  body: unknown;
}

/** The user a send reaches: phone users by wa_id (plus their BSUID), username users by BSUID only. */
export interface Recipient {
  waId?: string;
  userId: string;
}

export function recipientOf(message: Pick<OutboundMessage, 'waId' | 'recipient'>): Recipient {
  if (message.waId !== undefined) return { waId: message.waId, userId: bsuidForWaId(message.waId, countryOf(message.waId)) };
  return { userId: message.recipient ?? '' };
}

export function countryOf(waId: string): string {
  return parsePhoneNumberFromString(`+${waId}`)?.country ?? 'US';
}

/**
 * `POST /{version}/{phone-number-id}/messages`: Meta's checks in Meta's order — object,
 * token, injected faults, throughput upgrade (131057), throughput (130429), body (100/131008/131009), template (132001/
 * 132000), media id (100), recipient is the sender (131021), pair rate (131056) — answered
 * synchronously; an accepted send then meets the asynchronous rules (not on WhatsApp 131026,
 * window 131047, messaging limit 131048, per-user marketing limit 131049, media link 131053)
 * as status webhooks. Every call lands in the calls log.
 */
@Injectable()
export class SendService implements OnModuleInit {
  constructor(
    private readonly numbers: NumberRegistry,
    private readonly faults: FaultRegistry,
    private readonly calls: CallsLog,
    private readonly throughput: ThroughputLimiter,
    private readonly pairs: PairLimiter,
    private readonly window: ConversationWindow,
    private readonly notOnWhatsApp: NotOnWhatsAppRule,
    private readonly messagingLimit: MessagingLimit,
    private readonly marketingLimit: MarketingLimit,
    private readonly templates: TemplateRegistry,
    private readonly media: MediaStore,
    private readonly statuses: StatusSimulator,
    private readonly ids: IdFactory,
    private readonly peers: PeerDelivery,
    private readonly registration: RegistrationBook,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly account: AccountStateStore,
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
  ) {}

  /** Compiles the spec validators at boot rather than on the first send. */
  onModuleInit(): void {
    validateSendRequest({ messaging_product: 'whatsapp', to: '0', type: 'text', text: { body: 'warm-up' } });
  }

  async send(version: string, phoneNumberId: string, authorization: string | undefined, body: unknown): Promise<GraphReply> {
    let reply: GraphReply;
    try {
      reply = { status: 200, body: await this.handle(version, phoneNumberId, authorization, body) };
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      reply = { status: err.httpStatus, body: err.toBody(this.ids.fbtraceId()) };
    }
    sendsByCode.inc({ code: reply.status === 200 ? '200' : String((reply.body as { error?: { code?: number } }).error?.code ?? reply.status) });
    this.calls.record({
      at: new Date(this.clock.now()).toISOString(),
      phoneNumberId,
      to: recipientField(body),
      body: boundedForLog(body),
      httpStatus: reply.status,
      response: reply.body,
    });
    return reply;
  }

  private async handle(version: string, phoneNumberId: string, authorization: string | undefined, body: unknown): Promise<SendResponse | MarkReadResponse> {
    checkVersion(version);
    const number = this.numbers.get(phoneNumberId);
    if (!number) throw unknownObject(phoneNumberId, 'post');
    if (bearerToken(authorization) !== number.accessToken) throw invalidToken();
    // A number shared through embedded signup sends only once registered (request_code → verify_code → register).
    if (!this.registration.isRegistered(phoneNumberId)) throw new GraphError(133010);
    // Meta's account decisions (src/account): a locked, rejected or restricted WABA does not send.
    const refusal = this.account.sendRefusal(number.wabaId, this.clock.now());
    if (refusal) throw new GraphError(refusal.code, { message: refusal.code === 131031 ? '(#131031) Business Account locked' : 'Temporarily blocked for policies violations', details: refusal.details, httpStatus: 400 });

    const fault = this.faults.decide(phoneNumberId);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.kind === 'fail') throw new GraphError(fault.errorCode, fault.httpStatus !== null ? { httpStatus: fault.httpStatus } : {});

    if (this.clock.now() < number.maintenanceUntil) throw new GraphError(131057);
    if (!this.throughput.tryAcquire(phoneNumberId, number.mps)) throw new GraphError(130429);

    const parsed = parseSendRequest(body);
    if (parsed.kind === 'read') return { success: true };
    return this.accept(version, number, parsed, body);
  }

  private accept(version: string, number: SandboxNumber, message: OutboundMessage, body: unknown): SendResponse {
    let category: PricingCategory = 'service';
    if (message.template) {
      const { name, language, bodyParameters } = message.template;
      const template = this.templates.find(number.wabaId, name, language);
      if (!template || this.templates.statusOf(template) !== 'APPROVED') {
        throw new GraphError(132001, { details: `template name (${name}) does not exist in ${language}` });
      }
      const expected = bodyParameterCount(template);
      if (expected > 0 && (bodyParameters ?? 0) !== expected) {
        throw new GraphError(132000, { details: `body: number of localizable_params (${bodyParameters ?? 0}) does not match the expected number of params (${expected})` });
      }
      category = template.category.toLowerCase() as PricingCategory;
    }
    if (message.media?.id !== undefined && !this.media.get(message.media.id)) {
      throw new GraphError(100, { details: `Param ${message.media.type}['id'] is not a valid whatsapp business account media attachment ID` });
    }

    const recipient = recipientOf(message);
    if (recipient.waId !== undefined && recipient.waId === normalizePhone(number.displayPhoneNumber)) throw new GraphError(131021);
    if (!this.pairs.tryAcquire(number.phoneNumberId, recipient.userId, { burst: number.pairBurst, refillMs: this.settings.pairRefillMs })) {
      throw new GraphError(131056);
    }

    const wamid = this.ids.wamid(recipient.waId ?? recipient.userId);
    const inWindow = this.window.isOpen(number.phoneNumberId, recipient.userId);
    const send: AcceptedSend = { number, wamid, userId: recipient.userId, version, category, inWindow };
    if (recipient.waId !== undefined) send.waId = recipient.waId;
    if (message.bizOpaqueCallbackData !== undefined) send.bizOpaqueCallbackData = message.bizOpaqueCallbackData;
    const failure = this.asyncFailure(number, message, recipient, inWindow, category);
    if (failure) send.failure = failure;
    this.statuses.schedule(send);
    // another number of the sandbox as the recipient: it receives the message (docs/sandbox.md)
    const peer = failure ? undefined : this.peers.peerOf(number, recipient.waId);
    const ownWaId = normalizePhone(number.displayPhoneNumber);
    if (peer && ownWaId !== null) this.peers.deliver(number, peer, body, bsuidForWaId(ownWaId, countryOf(ownWaId)));

    const contact: SendResponse['contacts'][number] = message.to !== undefined ? { input: message.to, wa_id: recipient.waId } : { input: message.recipient, user_id: recipient.userId };
    return {
      messaging_product: 'whatsapp',
      contacts: [contact],
      messages: [message.template ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
    };
  }

  /** Rules Meta applies after accepting a message; their errors arrive as a `failed` status. */
  private asyncFailure(number: SandboxNumber, message: OutboundMessage, recipient: Recipient, inWindow: boolean, category: PricingCategory): { code: number; details?: string } | null {
    if (this.notOnWhatsApp.isNotOnWhatsApp(recipient.waId, number.notOnWhatsAppPattern)) return { code: 131026 };
    if (!message.template && !inWindow) return { code: 131047 };
    if (!inWindow && !this.messagingLimit.tryReach(number.portfolioId, recipient.userId, number.tierLimit)) {
      return { code: 131048, details: `Messaging limit of the business portfolio reached (${number.tierLimit ?? 'unlimited'} unique users per 24 hours).` };
    }
    if (category === 'marketing' && !this.marketingLimit.tryDeliver(recipient.userId, this.settings.marketingPerUserLimit)) return { code: 131049 };
    if (message.media?.link !== undefined && !isHttpUrl(message.media.link)) {
      return { code: 131053, details: `Downloading media from ${message.media.link.slice(0, 100)} failed: not an http(s) URL.` };
    }
    return null;
  }
}

function boundedForLog(body: unknown): unknown {
  const size = JSON.stringify(body ?? null).length;
  return size > MAX_LOGGED_BODY_CHARS ? { truncated: true, jsonChars: size } : body;
}

function recipientField(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.to === 'string' && b.to !== '') return b.to;
  if (typeof b.recipient === 'string') return b.recipient;
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
