import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'contacts', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('contacts', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'contacts' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { createContactsApp } from './app.factory';
import { ContactsEnv } from './contacts.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(ContactsEnv);
  const app = await createContactsApp(env);
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  logger('main').info({ url: await app.getUrl() }, 'contacts listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'contacts failed to start');
  process.exit(1);
});
