import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Headers, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isPgUnavailable } from '@wabridge/database';
import { ApiError, toErrorBody } from '@wabridge/http';
import { metaErrorBody, MetaErrorBody } from '@wabridge/meta';
import { RegistryService } from '../accounts/registry.service';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { GraphCallError, GraphClient } from '../graph/graph.client';
import { idempotencyKeyOf, wamidForRead } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { parseCloudSend, SendValidationError } from './send-request';
import { NUMBER_NOT_REGISTERED } from '../onboarding/registration-state';
import { NUMBER_NOT_ALLOWED, SendService } from './send.service';

/** Our errors in Meta's error shape (what a Cloud API client expects to parse). */
export function toMetaError(exception: unknown): { status: number; body: MetaErrorBody | unknown; headers?: Record<string, string> } {
  if (exception instanceof GraphCallError) return { status: exception.status, body: exception.body };
  if (exception instanceof SendValidationError) {
    return { status: 400, body: metaErrorBody(100, '(#100) Invalid parameter', { details: exception.message }) };
  }
  const { status, body, headers } = toErrorBody(exception, { unavailable: isPgUnavailable });
  const message = body.error.message;
  // Meta's own answer for a WABA it does not let send (ADR 0163): 131031 "Business account locked".
  if (body.error.code === NUMBER_NOT_ALLOWED) return { status: 400, body: metaErrorBody(131031, 'Business Account locked', { details: message, type: 'OAuthException' }), headers };
  // A number not registered with Meta yet (ADR 0167): Meta's own answer is 133010.
  if (body.error.code === NUMBER_NOT_REGISTERED) return { status: 400, body: metaErrorBody(133010, '(#133010) Account not registered', { details: message, type: 'OAuthException' }), headers };
  switch (status) {
    case 401:
      return { status: 401, body: metaErrorBody(190, 'Invalid OAuth access token - Cannot parse access token', { details: message }), headers };
    case 403:
      return { status: 403, body: metaErrorBody(10, '(#10) Application does not have permission for this action', { details: message }), headers };
    case 404:
      return { status: 400, body: metaErrorBody(100, 'Unsupported post request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation.', { subcode: 33, type: 'GraphMethodException', details: message }), headers };
    case 429:
      return { status: 429, body: metaErrorBody(4, '(#4) Application request limit reached', { details: message, type: 'OAuthException' }), headers };
    case 503:
    case 502:
    case 504:
      return { status, body: metaErrorBody(2, 'Service temporarily unavailable', { details: message, type: 'OAuthException' }), headers };
    case 500:
      return { status: 500, body: metaErrorBody(1, 'An unknown error occurred', { type: 'OAuthException' }), headers };
    default:
      return { status, body: metaErrorBody(100, '(#100) Invalid parameter', { details: message }), headers };
  }
}

@Catch()
export class CloudApiErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body, headers } = toMetaError(exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    for (const [k, v] of Object.entries(headers ?? {})) void reply.header(k, v);
    void reply.status(status).send(body);
  }
}

/**
 * Cloud-API-compatible send: Meta's path, body, response and errors, authenticated by our API
 * key as the Bearer token — a Cloud API client works by changing its base URL and token. The
 * `messages[0].id` is our message id (its wamid appears in GET /v1/messages/:id once sent).
 * The same endpoint takes Meta's read-receipt body (`status: "read"`); its `message_id` may be
 * a wamid or an id we returned.
 */
@Controller()
@UseGuards(ApiAuthGuard)
@UseFilters(CloudApiErrorFilter)
@ApiTags('cloud-api')
@ApiBearerAuth('apiKey')
export class CloudApiController {
  constructor(
    private readonly sends: SendService,
    private readonly registry: RegistryService,
    private readonly graph: GraphClient,
    private readonly messages: MessagesRepository,
  ) {}

  /**
   * Also without the version segment, as Meta answers it and as SDKs with a custom base URL
   * call it (DESIGN.md §12). `POST /v1/messages` (static) still wins over this route.
   */
  @Post(':phoneNumberId/messages')
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', description: "Meta's Cloud API send body (or read receipt)", example: { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'Hello' } } } })
  @RequireScopes('messages:send')
  sendUnversioned(
    @CurrentPrincipal() principal: Principal,
    @Param('phoneNumberId') phoneNumberId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<unknown> {
    return this.send(principal, 'v23.0', phoneNumberId, body, idempotencyKey);
  }

  @Post(':version/:phoneNumberId/messages')
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', description: "Meta's Cloud API send body (or read receipt)", example: { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'Hello' } } } })
  @RequireScopes('messages:send')
  async send(
    @CurrentPrincipal() principal: Principal,
    @Param('version') version: string,
    @Param('phoneNumberId') phoneNumberId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<unknown> {
    if (!/^v\d+(\.\d+)?$/.test(version) || !/^\d{1,32}$/.test(phoneNumberId)) throw ApiError.notFound('phone number');
    const b = (body ?? {}) as Record<string, unknown>;
    if (b.status === 'read' && b.to === undefined && b.recipient === undefined) {
      const number = await this.registry.findTenantNumber(principal.tenantId, phoneNumberId);
      if (!number) throw ApiError.notFound('phone number');
      if (b.messaging_product !== 'whatsapp' || typeof b.message_id !== 'string') {
        throw new SendValidationError([{ field: 'message_id', problems: ['messaging_product "whatsapp" and message_id are required'] }]);
      }
      const wamid = await wamidForRead(this.messages, principal.tenantId, phoneNumberId, b.message_id);
      await this.graph.markRead(number, wamid, b.typing_indicator);
      return { success: true };
    }
    const send = parseCloudSend(phoneNumberId, body);
    const result = await this.sends.send(principal, send, idempotencyKeyOf(idempotencyKey));
    const input = (b.to as string | undefined) ?? (b.recipient as string | undefined) ?? '';
    const contact: Record<string, string> = { input };
    if (result.to) contact.wa_id = result.to;
    if (result.recipient && !result.to) contact.user_id = result.recipient;
    return { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: result.id, message_status: 'accepted' }] };
  }
}
