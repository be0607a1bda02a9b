import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestWithPrincipal } from '../auth/principal';
import { isTenantApiPath } from './request-log.entry';
import { RequestLogWriter } from './request-log.writer';

const PAYLOAD = Symbol('requestLogPayload');
type ReplyWithPayload = FastifyReply & { [PAYLOAD]?: string };

/**
 * Captures every tenant API call for the request log (ADR 0180) with two Fastify hooks: onSend
 * keeps a reference to the JSON answer, onResponse queues the call (tenant, method, path,
 * status, latency, idempotency key, bodies) on the writer. Nothing is parsed, redacted or
 * written here: that is the writer's, after the answer left.
 */
@Injectable()
export class RequestLogRecorder implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly writer: RequestLogWriter,
  ) {}

  onModuleInit(): void {
    if (!this.writer.enabled) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (req, reply, payload, done) => {
      if (typeof payload === 'string' && (req as RequestWithPrincipal).callerTenantId !== undefined) (reply as ReplyWithPayload)[PAYLOAD] = payload;
      done(null, payload);
    });
    fastify.addHook('onResponse', (req, reply, done) => {
      const tenantId = (req as RequestWithPrincipal).callerTenantId;
      if (tenantId !== undefined && isTenantApiPath(req.url)) {
        const key = req.headers['idempotency-key'];
        const body = req.body;
        this.writer.record({
          tenantId, at: Date.now() - Math.round(reply.elapsedTime), method: req.method, path: req.url, status: reply.statusCode,
          latencyMs: Math.round(reply.elapsedTime),
          ...(typeof key === 'string' ? { idempotencyKey: key.slice(0, 255) } : {}),
          // parsed JSON only: uploads and CSV imports stream through and are not kept
          ...(body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && typeof (body as { pipe?: unknown }).pipe !== 'function' ? { requestBody: body } : {}),
          ...((reply as ReplyWithPayload)[PAYLOAD] !== undefined ? { responsePayload: (reply as ReplyWithPayload)[PAYLOAD] } : {}),
        });
      }
      done();
    });
  }
}
