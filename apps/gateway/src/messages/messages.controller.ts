import { ApiBearerAuth, ApiBody, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_SCHEMA, NATIVE_SEND_SCHEMA } from '../openapi';
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from '@wabridge/http';
import { RegistryService } from '../accounts/registry.service';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { Clock } from '../auth/rate-limiter';
import { CLOCK } from '../tokens';
import { GraphCallError, GraphClient, graphErrorToApiError } from '../graph/graph.client';
import { normalizeTo } from './message-rules';
import { ListMessagesQuery, MarkReadBody } from './messages.dto';
import { MESSAGE_PAGE_SCHEMA, MESSAGE_SCHEMA } from './messages.openapi';
import { messageView, MessagesRepository, MessageView } from './messages.repository';
import { ScheduledSendsRepository } from './scheduled-sends.repository';
import { parseNativeSend, SendValidationError } from './send-request';
import { SendService } from './send.service';

export function idempotencyKeyOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < 1 || value.length > 255 || !/^[\x21-\x7e]+$/.test(value)) {
    throw ApiError.badRequest('Idempotency-Key must be 1-255 visible ASCII characters', [{ field: 'Idempotency-Key', problems: ['invalid'] }]);
  }
  return value;
}

/** Our message ids (ULIDs), as `POST /v1/messages` and the Cloud API route return them. */
export const OUR_MESSAGE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The wamid to mark read: where Meta takes a wamid we also take the id we returned (issue 11).
 * One of the tenant's messages on that number → its wamid (409 while it has none yet); any
 * other value goes to Meta as it is.
 */
export async function wamidForRead(messages: MessagesRepository, tenantId: string, phoneNumberId: string, id: string): Promise<string> {
  if (!OUR_MESSAGE_ID.test(id)) return id;
  const row = await messages.get(tenantId, id);
  if (!row || row.phone_number_id !== phoneNumberId) return id;
  if (!row.wamid) throw ApiError.conflict(`message ${id} has no wamid yet (status ${row.status}); retry once it is sent`);
  return row.wamid;
}

export function toBadRequest(err: unknown): never {
  if (err instanceof SendValidationError) throw ApiError.badRequest(err.message, err.problems);
  throw err;
}

/** The native tenant API for messages (DESIGN.md §12). */
@Controller('v1/messages')
@UseGuards(ApiAuthGuard)
@ApiTags('messages')
@ApiBearerAuth('apiKey')
export class MessagesController {
  constructor(
    private readonly sends: SendService,
    private readonly messages: MessagesRepository,
    private readonly scheduled: ScheduledSendsRepository,
    private readonly registry: RegistryService,
    private readonly graph: GraphClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @RequireScopes('messages:send')
  @ApiBody({ schema: NATIVE_SEND_SCHEMA })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body → same answer; other body → 409' })
  @ApiResponse({ status: 202, description: '`scheduled` when `sendAt` is ahead (held until then, cancellable with DELETE), else `accepted`', schema: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'string', enum: ['accepted', 'scheduled'] } } } })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA, description: 'invalid body; `sendAt` in the past or more than 30 days ahead' })
  async send(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: string; status: 'accepted' | 'scheduled' }> {
    const key = idempotencyKeyOf(idempotencyKey);
    let send;
    try {
      send = parseNativeSend(body, this.clock.now());
    } catch (err) {
      toBadRequest(err);
    }
    const result = await this.sends.send(principal, send, key);
    void reply.status(202);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return { id: result.id, status: result.status };
  }

  @Get()
  @RequireScopes('messages:read')
  @ApiResponse({ status: 200, description: 'A page of messages, newest first', schema: MESSAGE_PAGE_SCHEMA })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA })
  async list(@CurrentPrincipal() principal: Principal, @Query() q: ListMessagesQuery): Promise<{ data: MessageView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    let to = q.to;
    if (to && !to.includes('.')) to = normalizeTo(to, 'to').to ?? to;
    const rows = await this.messages.list(principal.tenantId, { status: q.status, to, since: q.since, cursor: q.cursor, limit });
    return { data: rows.map(messageView), nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  @Get(':id')
  @RequireScopes('messages:read')
  @ApiResponse({ status: 200, description: 'The message with its history', schema: MESSAGE_SCHEMA })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<MessageView> {
    const row = await this.messages.get(principal.tenantId, id);
    if (!row) throw ApiError.notFound('message');
    return messageView(row);
  }

  /**
   * Cancels a scheduled send (ADR 0150) while the gateway still holds it; it is then never
   * given to the dispatcher. Repeating the call answers the same. A send already released
   * (due within the release lead, or gone out) answers 409 with its status.
   */
  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('messages:send')
  @ApiResponse({ status: 200, description: 'The message, status `cancelled`' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  @ApiResponse({ status: 409, schema: ERROR_SCHEMA, description: 'not scheduled (any more): already released to be sent, or never scheduled' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<MessageView> {
    if (!OUR_MESSAGE_ID.test(id)) throw ApiError.notFound('message');
    const outcome = await this.scheduled.cancel(principal.tenantId, id, new Date(this.clock.now()));
    const row = await this.messages.get(principal.tenantId, id);
    if (!row) throw ApiError.notFound('message');
    if (outcome.cancelled || row.status === 'cancelled') return messageView(row);
    throw ApiError.conflict(`message ${id} cannot be cancelled: it is ${row.status}${row.status === 'scheduled' ? ' and being released to be sent' : ''}; only a scheduled message not yet due can be cancelled`, { status: row.status });
  }

  /** Marks a message (by its wamid, or the id we returned) as read, through the number's Graph API. */
  @Post(':wamid/read')
  @HttpCode(200)
  @RequireScopes('messages:send')
  async markRead(@CurrentPrincipal() principal: Principal, @Param('wamid') wamid: string, @Body() body: MarkReadBody): Promise<{ success: true }> {
    const number = await this.registry.findTenantNumber(principal.tenantId, body.phoneNumberId);
    if (!number) throw ApiError.notFound('phone number');
    if (wamid.length < 1 || wamid.length > 512) throw ApiError.badRequest('wamid: must be a WhatsApp message id');
    const target = await wamidForRead(this.messages, principal.tenantId, body.phoneNumberId, wamid);
    await this.graph.markRead(number, target).catch((err: unknown) => {
      if (err instanceof GraphCallError) throw graphErrorToApiError(err);
      throw err;
    });
    return { success: true };
  }
}
