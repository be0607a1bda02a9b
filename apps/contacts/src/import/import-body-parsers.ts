import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { parseJsonUnlessStreamed } from '@wabridge/http';

const IMPORT_ROUTE = '/v1/contacts/import';

function isImport(req: FastifyRequest): boolean {
  return req.routeOptions?.url === IMPORT_ROUTE;
}

/**
 * The import route receives its body as a stream (a 100k-row file is never buffered); every
 * other route keeps JSON parsing with the usual body limit (@wabridge/http).
 */
export function registerImportBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  parseJsonUnlessStreamed(fastify, bodyLimit, isImport);
  for (const type of ['text/csv', 'application/x-ndjson']) {
    fastify.addContentTypeParser(type, (req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
      if (isImport(req)) return done(null, payload);
      done(Object.assign(new Error(`${type} is accepted only by ${IMPORT_ROUTE}`), { statusCode: 415 }));
    });
  }
}
