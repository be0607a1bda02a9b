import { INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpErrorFilter } from './http-error.filter';
import { apiValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Max request body in bytes (fastify answers 413 above it). */
  bodyLimit?: number;
  logLevel?: string;
  /** Per-request timeout (ms) after which the connection is closed. */
  requestTimeoutMs?: number;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function nestLogLevels(level = 'info'): LogLevel[] | false {
  if (level === 'silent') return false;
  const map: Record<string, LogLevel> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose' };
  const idx = LEVELS.indexOf(map[level] ?? 'log');
  return LEVELS.slice(0, idx + 1);
}

/** A Nest app on Fastify with our error shape, validation pipe, body limit and shutdown hooks. */
export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    connectionTimeout: 60000,
    keepAliveTimeout: 65000,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: nestLogLevels(options.logLevel),
    bufferLogs: false,
  });
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  return app;
}

export type { INestApplication };
