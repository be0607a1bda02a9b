import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { UPLOAD_ROUTE } from '../media/media.controller';

/**
 * The upload route takes any content type as a stream (the raw bytes of a file); other routes
 * keep JSON. Multipart is the @fastify/multipart plugin's.
 */
export function registerUploadBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
    if (req.routeOptions?.url === UPLOAD_ROUTE && req.method === 'POST') return done(null, payload);
    done(Object.assign(new Error(`${req.headers['content-type'] ?? 'this content type'} is accepted only by POST ${UPLOAD_ROUTE}`), { statusCode: 415 }));
  });
}
