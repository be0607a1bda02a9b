import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { installAccessLog } from '@wabridge/telemetry';
import { Clock, Random, systemClock, systemRandom } from './common/clock';
import { defaultSettings, SandboxSettings } from './config/sandbox-settings';
import { RegisterNumberDto } from './control/dto/register-number.dto';
import { NumbersService } from './control/numbers.service';
import { SandboxModule } from './sandbox.module';
import { fetchPoster, WebhookPoster } from './webhooks/webhook-outbox';

export interface SandboxAppOptions {
  /** Overrides of Meta's defaults (see SandboxEnv for each knob). */
  settings?: Partial<SandboxSettings>;
  clock?: Clock;
  random?: Random;
  /** How webhooks are POSTed (tests may capture them instead). */
  poster?: WebhookPoster;
  /** Nest logger; `false` silences it (tests). */
  logger?: LoggerService | LogLevel[] | false;
  /** Numbers registered before the app answers, as with `POST /_sandbox/numbers`. */
  numbers?: RegisterNumberDto[];
}

/**
 * Builds the sandbox as a Nest application on Fastify, not yet listening: call
 * `app.listen(port, host)` (port 0 in tests) and `app.close()` when done.
 */
export async function createSandboxApp(options: SandboxAppOptions = {}): Promise<NestFastifyApplication> {
  const settings: SandboxSettings = { ...defaultSettings(), ...options.settings };
  const adapter = new FastifyAdapter({ bodyLimit: settings.bodyLimitBytes });
  const app = await NestFactory.create<NestFastifyApplication>(
    SandboxModule.forRoot({
      settings,
      clock: options.clock ?? systemClock,
      random: options.random ?? systemRandom,
      poster: options.poster ?? fetchPoster,
    }),
    adapter,
    { logger: options.logger ?? ['error', 'warn', 'log'], bufferLogs: false },
  );
  // Body parsing errors (size limit, malformed JSON) reach Nest's exception filters through the
  // error handler Nest installs on Fastify, so AllExceptionsFilter answers those too.
  await app.register(multipart, { limits: { fileSize: settings.bodyLimitBytes, files: 1, fields: 10, parts: 12 } });
  // A debug line per call (LOG_LEVEL=debug), in the caller's trace: the Graph calls of a send.
  installAccessLog(app.getHttpAdapter().getInstance());
  app.enableShutdownHooks();
  const numbers = app.get(NumbersService);
  for (const dto of options.numbers ?? []) numbers.register(dto);
  return app;
}
