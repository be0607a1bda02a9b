import 'reflect-metadata';
import { installFatalHandlers } from '@wabridge/telemetry';
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'sandbox' });
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { loadConfigOrExit } from '@wabridge/config';
import { settingsFromEnv } from './config/sandbox-settings';
import { SandboxEnv } from './config/sandbox.env';
import { RegisterNumberDto } from './control/dto/register-number.dto';
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
  const logger = new ConsoleLogger('Sandbox', { json: true, logLevels: LEVELS[env.LOG_LEVEL] ?? LEVELS.info });
  const app = await createSandboxApp({ settings: settingsFromEnv(env), logger, numbers: bootNumber(env) });
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : env.PORT;
  const url = `http://${env.HOST}:${port}`;
  process.stdout.write(`sandbox listening on ${url} (Cloud API at ${url}/v23.0/…, controls at ${url}/_sandbox/…)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
