import 'reflect-metadata';
import { installFatalHandlers, logger, PinoNestLogger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
// Traced like the services, so its log lines for a Graph call carry the caller's trace id.
startTelemetry({ serviceName: 'sandbox', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('sandbox', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'sandbox' });
fatal.onFatal(() => shutdownTelemetry());
import { LogLevel } from '@nestjs/common';
import { loadConfigOrExit } from '@wabridge/config';
import { settingsFromEnv } from './config/sandbox-settings';
import { SandboxEnv } from './config/sandbox.env';
import { RegisterNumberDto } from './control/dto/register-number.dto';
import { EmbeddedSignupService } from './onboarding/embedded-signup.service';
import { createSandboxApp } from './sandbox-app';

const LEVELS: Record<string, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  silent: [],
};

/** The number `npm start` and e2e tests get with zero set-up (when SANDBOX_PHONE_NUMBER_ID is set). */
function bootNumber(env: SandboxEnv): RegisterNumberDto[] {
  if (env.SANDBOX_PHONE_NUMBER_ID === undefined) return [];
  const dto = new RegisterNumberDto();
  dto.phoneNumberId = env.SANDBOX_PHONE_NUMBER_ID;
  dto.displayPhoneNumber = env.SANDBOX_DISPLAY_PHONE_NUMBER;
  dto.wabaId = env.SANDBOX_WABA_ID;
  dto.accessToken = env.SANDBOX_ACCESS_TOKEN;
  dto.appSecret = env.META_APP_SECRET;
  dto.callbackUrl = env.SANDBOX_CALLBACK_URL ?? `http://127.0.0.1:3001/webhooks/meta/${env.META_APP_ID}`;
  return [dto];
}

async function main(): Promise<void> {
  const env = loadConfigOrExit(SandboxEnv);
  const nestLogger = new PinoNestLogger(LEVELS[env.LOG_LEVEL] ?? LEVELS.info);
  const app = await createSandboxApp({ settings: settingsFromEnv(env), logger: nestLogger, numbers: bootNumber(env) });
  // The local Meta app as its dashboard would hold it, so `POST /_sandbox/embedded-signup` works with no set-up (ADR 0169).
  app.get(EmbeddedSignupService).upsertApp({
    appId: env.META_APP_ID, appSecret: env.META_APP_SECRET,
    callbackUrl: env.SANDBOX_CALLBACK_URL ?? `http://127.0.0.1:3001/webhooks/meta/${env.META_APP_ID}`,
  });
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : env.PORT;
  const url = `http://${env.HOST}:${port}`;
  logger('main').info({ url, cloudApi: `${url}/v23.0/…`, controls: `${url}/_sandbox/…` }, 'sandbox listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'sandbox failed to start');
  process.exit(1);
});
