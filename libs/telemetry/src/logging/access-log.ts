import { logger, type Logger } from './logger';

/** The part of Fastify this needs (kept structural: libs/telemetry does not depend on fastify). */
interface HookHost {
  addHook(name: 'onResponse', hook: (req: { method: string; url: string }, reply: { statusCode: number; elapsedTime: number }, done: () => void) => void): unknown;
}

/**
 * One debug line per answered request (`request`, with method, url, status and ms), in the
 * request's trace: what a developer reads to follow one call through the services. Off at the
 * default level — the check is one compare per request.
 */
export function installAccessLog(fastify: HookHost, log: Logger = logger('http')): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    if (log.isLevelEnabled('debug')) {
      log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    done();
  });
}
