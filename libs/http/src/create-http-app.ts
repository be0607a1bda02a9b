import { DynamicModule, INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { installAccessLog, PinoNestLogger } from '@wabridge/telemetry';
import type { FastifyRequest } from 'fastify';
import { MistakableBodyType, refuseMistakenBodyTypes } from './body-types';
import { ErrorMappingOptions, HttpErrorFilter } from './http-error.filter';
import { HttpsFiles, httpsServerOptions } from './https-options';
import { apiValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Max request body in bytes (fastify answers 413 above it). */
  bodyLimit?: number;
  logLevel?: string;
  /** Per-request timeout (ms) after which the connection is closed. */
  requestTimeoutMs?: number;
  /**
   * Keep every request body as a raw Buffer (no JSON parsing): for endpoints that verify
   * signatures over the exact bytes (Meta webhooks). Limited by `bodyLimit`.
   */
  rawBodies?: boolean;
  /** Errors answered 503 + Retry-After instead of 500 (a dependency is away; ADR 0064). */
  unavailable?: ErrorMappingOptions['unavailable'];
  /**
   * Requests that may carry a form or text body although their route has no `AcceptsBodyTypes`
   * (e.g. the gateway's `@All` forwarding routes, which Nest gives no route config).
   */
  acceptsBodyType?: (req: FastifyRequest, type: MistakableBodyType) => boolean;
  /** Serve HTTPS (TLS >= 1.2) on the same port with these PEM files (`httpsFromEnv`); unset = HTTP. */
  https?: HttpsFiles;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function nestLogLevels(level = 'info'): LogLevel[] | false {
  if (level === 'silent') return false;
  const map: Record<string, LogLevel> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose' };
  const idx = LEVELS.indexOf(map[level] ?? 'log');
  return LEVELS.slice(0, idx + 1);
}

/** A Nest app on Fastify with our error shape, validation pipe, body limit and shutdown hooks. */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    connectionTimeout: 60000,
    keepAliveTimeout: 65000,
    ...(options.https ? { https: httpsServerOptions(options.https) } : {}),
  });
  const levels = nestLogLevels(options.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    // Nest's lines go through the process's pino logger (ADR 0179), not its coloured console.
    logger: levels === false ? false : new PinoNestLogger(levels),
    bufferLogs: false,
    bodyParser: !options.rawBodies,
  });
  const fastify = app.getHttpAdapter().getInstance();
  if (options.rawBodies) {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? 1024 * 1024 }, (_req, body, done) => done(null, body));
  } else {
    // A form or text body sent to a JSON route: 415 saying what to send (ADR 0224).
    refuseMistakenBodyTypes(fastify, options.acceptsBodyType);
  }
  installAccessLog(fastify);
  app.useGlobalFilters(new HttpErrorFilter({ unavailable: options.unavailable }));
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  return app;
}

export type { INestApplication };
