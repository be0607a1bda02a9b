import type { IncomingMessage } from 'node:http';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The body types a client sends when it meant JSON: what `curl -d` sends without `-H`, and what
 * `fetch()` sends for a string body without headers. Parsed as they are, such a body reached the
 * route as a form or a string, and the answer named fields the client had sent ("phoneNumberId
 * must be …", "property {"url":…} should not exist"). Routes that really take them say so with
 * `AcceptsBodyTypes`; every other route answers 415 saying what to send (ADR 0224).
 */
export type MistakableBodyType = 'application/x-www-form-urlencoded' | 'text/plain';
const MISTAKABLE: readonly string[] = ['application/x-www-form-urlencoded', 'text/plain'] satisfies MistakableBodyType[];
const CONFIG_KEY = 'acceptsBodyTypes';

/** This route takes these body types as well as JSON (e.g. an OAuth token form, a text file upload). */
export const AcceptsBodyTypes = (...types: MistakableBodyType[]): MethodDecorator => RouteConfig({ [CONFIG_KEY]: types });

/** `text/plain; charset=utf-8` → `text/plain`. */
export function mediaTypeOf(header: string | string[] | undefined): string {
  return typeof header === 'string' ? header.split(';', 1)[0]!.trim().toLowerCase() : '';
}

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Installs the 415 for a form or text body sent to a route that takes JSON (see
 * MistakableBodyType). `accepts` admits more requests than the routes' `AcceptsBodyTypes`
 * (Nest gives `@All` routes no route config).
 */
export function refuseMistakenBodyTypes(fastify: FastifyInstance, accepts?: (req: FastifyRequest, type: MistakableBodyType) => boolean): void {
  fastify.addHook('onRequest', (req, _reply, done) => {
    const header = req.headers['content-type'];
    // the common case first, without splitting the header
    if (header === undefined || header.startsWith('application/json')) return done();
    const type = mediaTypeOf(header);
    if (!MISTAKABLE.includes(type) || req.is404 || !hasBody(req)) return done();
    const accepted = (req.routeOptions.config as { [CONFIG_KEY]?: string[] } | undefined)?.[CONFIG_KEY];
    if (accepted?.includes(type) || accepts?.(req, type as MistakableBodyType) === true) return done();
    const hint = type === 'application/x-www-form-urlencoded' ? " (what curl -d sends unless told -H 'content-type: application/json')" : '';
    done(Object.assign(new Error(`this endpoint takes a JSON body: send it with Content-Type: application/json, not ${type}${hint}`), { statusCode: 415 }));
  });
}

function tooLarge(): Error {
  return Object.assign(new Error('request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
}

/**
 * Replaces the JSON parser (call after `app.init()`: Nest registers its own there): bodies of
 * routes `streamed(req)` names reach them as the raw stream (a large upload is never buffered);
 * every other JSON body is parsed with `bodyLimit` (413 above it). An empty body with a JSON
 * content type (e.g. a proxied POST without a body) is no body, not an error.
 */
export function parseJsonUnlessStreamed(fastify: FastifyInstance, bodyLimit: number, streamed: (req: FastifyRequest) => boolean): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'ignore');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', (req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
    if (streamed(req)) return done(null, payload);
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
      if (text.trim() === '') done(null, undefined);
      else void parseJson(req, text, done);
    });
  });
}
