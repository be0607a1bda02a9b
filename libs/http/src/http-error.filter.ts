import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { throwError } from 'rxjs';
import { ApiError, ErrorBody } from './api-error';

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
  503: 'unavailable',
};

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

export interface ErrorMappingOptions {
  /**
   * Errors that mean a dependency is away right now (e.g. `isPgUnavailable` from
   * @wabridge/database): answered 503 with Retry-After, as a client should retry them, not 500
   * (ADR 0064). This library knows no database; the service says what counts.
   */
  unavailable?: (err: unknown) => boolean;
}

export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Maps any error to `{error:{code,message,details?}}`; never leaks a stack trace. */
export function toErrorBody(exception: unknown, options: ErrorMappingOptions = {}): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (exception instanceof ApiError) {
    const error: ErrorBody['error'] = { code: exception.code, message: exception.message };
    if (exception.details !== undefined) error.details = exception.details;
    return { status: exception.status, body: { error }, headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : typeof (res as { message?: unknown }).message === 'string'
      ? (res as { message: string }).message : exception.message;
    return { status, body: { error: { code: STATUS_CODES[status] ?? 'error', message } } };
  }
  const fe = exception as FastifyLikeError;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own errors (body too large, bad JSON, bad content type) carry a safe message.
    const message = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body is too large' : (fe.message ?? 'bad request');
    return { status: fe.statusCode, body: { error: { code: STATUS_CODES[fe.statusCode] ?? 'invalid_request', message } } };
  }
  if (options.unavailable?.(exception) === true) {
    return {
      status: 503,
      body: { error: { code: 'unavailable', message: 'a dependency of this service is unavailable; retry later' } },
      headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}

/**
 * The one HTTP error filter of every service. In an RPC (Kafka) context it rethrows the
 * original error so the Kafka transport can decide retry vs DLQ.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpErrorFilter');

  constructor(private readonly options: ErrorMappingOptions = {}) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return throwError(() => exception);
    const { status, body, headers } = toErrorBody(exception, this.options);
    if (status === 503 && this.options.unavailable?.(exception) === true) {
      this.log.warn(`503: ${exception instanceof Error ? exception.message : String(exception)}`); // one line per request, no stack: an outage is not a bug
    } else if (status >= 500) {
      this.log.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    for (const [k, v] of Object.entries(headers ?? {})) void reply.header(k, v);
    // A route may have set another content type (e.g. text/plain) before failing.
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
    return undefined;
  }
}
