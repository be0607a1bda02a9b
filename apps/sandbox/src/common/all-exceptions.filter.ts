import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ControlError } from './control-error';
import { GraphError } from './graph-error';
import { IdFactory } from './ids';

export const CONTROL_PREFIX = '/_sandbox';

/**
 * One place that turns errors into responses: Meta's Graph error shape on Cloud API routes,
 * `{error: {code, message, details?}}` on the control API. Stack traces are logged, never sent.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sandbox');

  constructor(private readonly ids: IdFactory) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = renderError(exception, req.url, this.ids);
    if (status >= 500 && !(exception instanceof GraphError)) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    void reply.status(status).send(body);
  }
}

interface HttpLikeError {
  statusCode: number;
  message: string;
  code?: string;
}

function isHttpLike(e: unknown): e is HttpLikeError {
  return typeof e === 'object' && e !== null && typeof (e as { statusCode?: unknown }).statusCode === 'number' && typeof (e as { message?: unknown }).message === 'string';
}

/** Shared by the Nest filter and Fastify's own error handler (body parsing runs before Nest). */
export function renderError(exception: unknown, url: string, ids: IdFactory): { status: number; body: unknown } {
  const control = url.startsWith(CONTROL_PREFIX);
  if (exception instanceof GraphError) return { status: exception.httpStatus, body: exception.toBody(ids.fbtraceId()) };
  if (exception instanceof ControlError) {
    const error: Record<string, unknown> = { code: exception.code, message: exception.message };
    if (exception.details !== undefined) error.details = exception.details;
    return { status: exception.httpStatus, body: { error } };
  }
  let status = 500;
  let message = 'internal error';
  let details: unknown;
  if (exception instanceof HttpException) {
    status = exception.getStatus();
    const response = exception.getResponse();
    message = exception.message;
    if (typeof response === 'object' && response !== null && 'message' in response) details = (response as { message: unknown }).message;
  } else if (isHttpLike(exception) && exception.statusCode >= 400 && exception.statusCode < 600) {
    status = exception.statusCode;
    message = exception.message;
  }
  if (control) {
    const code = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 400 ? 'invalid_request' : status >= 500 ? 'internal' : 'error';
    const error: Record<string, unknown> = { code, message: status >= 500 ? 'internal error' : message };
    if (details !== undefined && status < 500) error.details = details;
    return { status, body: { error } };
  }
  if (status === 404) return { status: 400, body: new GraphError(2500, { message: `Unknown path components: ${url.split('?')[0]?.slice(0, 100) ?? ''}` }).toBody(ids.fbtraceId()) };
  if (status === 413) return { status, body: new GraphError(100, { httpStatus: 413, details: 'The request body is larger than the allowed upload size.' }).toBody(ids.fbtraceId()) };
  if (status >= 500) return { status: 500, body: new GraphError(1).toBody(ids.fbtraceId()) };
  return { status, body: new GraphError(100, { httpStatus: status, details: message }).toBody(ids.fbtraceId()) };
}
