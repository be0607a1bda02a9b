import { ApiBearerAuth, ApiBody, ApiHeader, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@wabridge/http';
import { RegistryService } from '../accounts/registry.service';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { Clock } from '../auth/rate-limiter';
import { ForwardingService } from '../forwarding/forwarding.service';
import { GraphCallError, GraphClient, graphErrorToApiError } from '../graph/graph.client';
import { ERROR_SCHEMA, NATIVE_SEND_SCHEMA } from '../openapi';
import { CLOCK } from '../tokens';
import { idempotencyKeyOf, OUR_MESSAGE_ID, toBadRequest } from './messages.controller';
import { parseNativeSend } from './send-request';
import { SendService } from './send.service';

/** What the conversations service answers for `GET /v1/conversations/:id` (the fields used here). */
interface ConversationRef {
  id: string;
  phoneNumberId: string;
  waId?: string;
  userId?: string;
  lastInboundWamid?: string;
}

/** Fields the conversation decides: the agent's body must not name them. */
const DECIDED_BY_CONVERSATION = ['phoneNumberId', 'to', 'recipient'];

/** `POST /v1/messages`'s body schema without the fields the conversation decides. */
const AGENT_SEND_SCHEMA = {
  ...NATIVE_SEND_SCHEMA,
  required: ['type'],
  properties: Object.fromEntries(Object.entries(NATIVE_SEND_SCHEMA.properties).filter(([k]) => !DECIDED_BY_CONVERSATION.includes(k))) as Partial<typeof NATIVE_SEND_SCHEMA.properties>,
  example: { type: 'text', text: { body: 'Hello, this is Maria from support' } },
};

/**
 * The agent's side of a conversation (ADR 0131): the gateway owns sends, so it handles these two
 * routes itself instead of forwarding them. It asks the conversations service (a query off the hot
 * path) for the conversation's number and contact, then:
 * - `POST /v1/conversations/:id/messages` sends exactly as `POST /v1/messages` with that
 *   `phoneNumberId` and `to` (or `recipient`): same validation, idempotency, media resolution,
 *   the same command on wa.outbound.requested.v1, so the dispatcher, the message projection and
 *   the history see an ordinary send;
 * - `POST /v1/conversations/:id/read` sends Meta's read receipt for the last inbound message
 *   through the number's Graph API (as `POST /v1/messages/:wamid/read`), then moves the
 *   conversation's read marker through that message.
 */
@Controller('v1/conversations')
@UseGuards(ApiAuthGuard)
@ApiTags('conversations')
@ApiBearerAuth('apiKey')
export class ConversationMessagesController {
  constructor(
    private readonly sends: SendService,
    private readonly forwarding: ForwardingService,
    private readonly registry: RegistryService,
    private readonly graph: GraphClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/messages')
  @RequireScopes('conversations', 'messages:send')
  @ApiParam({ name: 'id', description: 'The conversation id, as `GET /v1/conversations` lists it' })
  @ApiBody({ schema: AGENT_SEND_SCHEMA, description: 'The body of `POST /v1/messages` without `phoneNumberId` and `to`/`recipient` (the conversation\'s)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body → same answer; other body → 409' })
  @ApiResponse({ status: 202, schema: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string', enum: ['accepted'] } } } })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA, description: 'no such conversation for this tenant' })
  async send(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; status: 'accepted' | 'scheduled' } | undefined> {
    const key = idempotencyKeyOf(idempotencyKey);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ApiError.badRequest('body must be a JSON object');
    const named = DECIDED_BY_CONVERSATION.filter((f) => f in body);
    if (named.length > 0) {
      throw ApiError.badRequest(`${named[0]}: is the conversation's; leave it out`, named.map((field) => ({ field, problems: ['set by the conversation'] })));
    }
    const conversation = await this.conversation(principal, id, req, reply);
    if (!conversation) return undefined;
    const contact = conversation.waId ? { to: conversation.waId } : { recipient: conversation.userId };
    let send;
    try {
      send = parseNativeSend({ ...body, phoneNumberId: conversation.phoneNumberId, ...contact }, this.clock.now());
    } catch (err) {
      toBadRequest(err);
    }
    const result = await this.sends.send(principal, send, key);
    void reply.status(202);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return { id: result.id, status: result.status };
  }

  @Post(':id/read')
  @HttpCode(200)
  @RequireScopes('conversations')
  @ApiParam({ name: 'id', description: 'The conversation id, as `GET /v1/conversations` lists it' })
  @ApiResponse({ status: 200, description: 'The conversation, `unread` 0; Meta was sent a read receipt for `lastInboundWamid` (if the contact ever wrote)' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA, description: 'no such conversation for this tenant' })
  async read(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const conversation = await this.conversation(principal, id, req, reply);
    if (!conversation) return undefined;
    const wamid = conversation.lastInboundWamid;
    if (wamid) {
      // Meta first: if it refuses, nothing changed here and the agent can simply retry
      const number = await this.registry.findTenantNumber(principal.tenantId, conversation.phoneNumberId);
      if (!number) throw ApiError.notFound('phone number');
      await this.graph.markRead(number, wamid).catch((err: unknown) => {
        if (err instanceof GraphCallError) throw graphErrorToApiError(err);
        throw err;
      });
    }
    const res = await this.forwarding.call('conversations', principal, req, reply, {
      method: 'POST', path: `/v1/conversations/${id}/read`, upload: false, body: false, json: wamid ? { throughWamid: wamid } : {},
    });
    if (!res) return undefined;
    return this.answerOf(res);
  }

  /** The tenant's conversation (404 for another tenant's or none), from the conversations service. */
  private async conversation(principal: Principal, id: string, req: FastifyRequest, reply: FastifyReply): Promise<ConversationRef | undefined> {
    // conversation ids are ULIDs, like our message ids: anything else is not one (and never reaches a URL)
    if (!OUR_MESSAGE_ID.test(id)) throw ApiError.notFound('conversation');
    const res = await this.forwarding.call('conversations', principal, req, reply, { method: 'GET', path: `/v1/conversations/${id}`, upload: false, body: false });
    if (!res) return undefined;
    return (await this.answerOf(res)) as ConversationRef;
  }

  /** The service's JSON answer; its errors (404, 400) pass through in our shape, anything unreadable is a 502. */
  private async answerOf(res: Response): Promise<unknown> {
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      throw new ApiError(502, 'upstream_error', `the conversations service answered ${res.status} without JSON`);
    }
    if (res.ok) return parsed;
    const e = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
    if (res.status < 500 && typeof e?.code === 'string' && typeof e.message === 'string') throw new ApiError(res.status, e.code, e.message, e.details);
    throw new ApiError(502, 'upstream_error', `the conversations service failed (${res.status})`);
  }
}
