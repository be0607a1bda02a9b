import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@wabridge/http';
import { metaErrorBody, MetaErrorBody } from '@wabridge/meta';
import { toMetaError } from '../messages/cloud-api.controller';

/**
 * What Meta answers for an id that is not an object the caller may use (unknown, deleted, or
 * another tenant's): code 100, subcode 33, HTTP 400, the method and the id in the message.
 */
export function unknownObject(method: string, id: string): MetaErrorBody {
  const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return metaErrorBody(
    100,
    `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    { subcode: 33, type: 'GraphMethodException', details: `Object with ID '${id}' does not exist.` },
  );
}

/**
 * Errors of the Cloud API media routes in Meta's shape (ADR 0105): an unknown media id or
 * number → 100/33; a file the media service refuses for its type (415) or size (413, also the
 * gateway's own upload cap) → 131053 "Media upload error" with the reason as details; the rest
 * as the compatible send route maps them (401 → 190, 403 → 10, 429 → 4, 5xx → 1/2, else 100).
 */
export function toMetaMediaError(exception: unknown, method: string, objectId: string): { status: number; body: unknown; headers?: Record<string, string> } {
  if (exception instanceof ApiError) {
    if (exception.status === 404) return { status: 400, body: unknownObject(method, objectId), headers: exception.headers };
    if (exception.status === 413 || exception.status === 415) {
      return { status: 400, body: metaErrorBody(131053, '(#131053) Media upload error', { details: exception.message }), headers: exception.headers };
    }
  }
  return toMetaError(exception);
}

@Catch()
export class CloudMediaErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('CloudMediaErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest<{ Params: { mediaId?: string; phoneNumberId?: string } }>>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const objectId = req.params?.mediaId ?? req.params?.phoneNumberId ?? '';
    const { status, body, headers } = toMetaMediaError(exception, req.method, objectId);
    if (status >= 500 && !(exception instanceof ApiError)) this.log.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if (reply.sent) return;
    for (const [k, v] of Object.entries(headers ?? {})) void reply.header(k, v);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }
}
