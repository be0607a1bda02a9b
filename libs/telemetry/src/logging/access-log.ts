import { context } from '@opentelemetry/api';
import { requestTraceContext } from '../tracing/http-server-spans';
import { logger, type Logger } from './logger';

/** The part of Fastify this needs (kept structural: libs/telemetry does not depend on fastify). */
interface HookHost {
  addHook(name: 'onResponse', hook: (req: { method: string; url: string }, reply: { statusCode: number; elapsedTime: number }, done: () => void) => void): unknown;
}

/**
 * One debug line per answered request (`request`, with method, url, status and ms), in the
 * request's trace: what a developer reads to follow one call through the services. Off at the
 * default level — the check is one compare per request. Written in the request's trace context
 * explicitly: an answer given before the handler ran (a body refused as too large or
 * malformed) finishes outside it (ADR 0147).
 */
export function installAccessLog(fastify: HookHost, log: Logger = logger('http')): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    if (log.isLevelEnabled('debug')) {
      const line = { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
      const ctx = requestTraceContext(req);
      if (ctx) context.with(ctx, () => log.debug(line, 'request'));
      else log.debug(line, 'request');
    }
    done();
  });
}
