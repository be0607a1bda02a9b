import type { FastifyInstance } from 'fastify';

/**
 * Every request must have arrived whole within its deadline: `REQUEST_TIMEOUT_MS` for ordinary
 * routes, `FORWARD_IMPORT_TIMEOUT_MS` for the streamed contacts import (which reads its body at
 * the database's pace for minutes). A body still incomplete at the deadline (a slow-loris
 * trickle, a stalled upload) gets 408 in our error shape and its connection is closed. Node's
 * own `requestTimeout` is one value for every route and is checked only every 30 s, so the
 * server's is set to the longest deadline and this hook enforces the per-route one (ADR 0066).
 */
/** How long an answered connection may go on draining an unread upload before it is destroyed. */
const LINGER_MS = 2000;

export function installRequestDeadlines(fastify: FastifyInstance, deadlineMs: (method: string, url: string) => number): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const raw = req.raw;
    if (raw.complete) return done();
    const ms = deadlineMs(req.method, req.url);
    const timer = setTimeout(() => {
      if (raw.complete) return;
      const socket = raw.socket;
      if (reply.sent || reply.raw.headersSent) {
        socket?.destroy();
        return;
      }
      reply.raw.once('finish', () => socket?.destroy());
      void reply
        .code(408)
        .header('connection', 'close')
        .send({ error: { code: 'request_timeout', message: `the request body did not arrive within ${ms} ms` } });
    }, ms);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    raw.once('end', clear);
    reply.raw.once('close', clear);
    // Answered before the body was read (413, an early error of the service): the client may
    // still be sending. Stop listening: drain briefly so the answer is read, then close.
    reply.raw.once('finish', () => {
      if (raw.complete) return;
      const socket = raw.socket;
      raw.resume();
      socket?.end();
      setTimeout(() => socket?.destroy(), LINGER_MS).unref();
    });
    done();
  });
}
