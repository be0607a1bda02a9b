import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

const IMPORT_ROUTE = '/v1/contacts/import';

function isImport(req: FastifyRequest): boolean {
  return req.routeOptions?.url === IMPORT_ROUTE;
}

function tooLarge(): Error {
  return Object.assign(new Error('request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
}

/**
 * The import route receives its body as a stream (a 100k-row file is never buffered); every
 * other route keeps Fastify's JSON parsing with the usual body limit.
 */
export function registerImportBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'ignore');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', (req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
    if (isImport(req)) return done(null, payload);
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    payload.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > bodyLimit) {
        failed = true;
        payload.resume();
        done(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('error', (err) => {
      if (!failed) {
        failed = true;
        done(err);
      }
    });
    payload.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      // An empty body with a JSON content type (e.g. a proxied POST …/opt-out) is no body, not an error.
      if (text.trim() === '') done(null, undefined);
      else void parseJson(req, text, done);
    });
  });
  for (const type of ['text/csv', 'application/x-ndjson']) {
    fastify.addContentTypeParser(type, (req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
      if (isImport(req)) return done(null, payload);
      done(Object.assign(new Error(`${type} is accepted only by ${IMPORT_ROUTE}`), { statusCode: 415 }));
    });
  }
}
