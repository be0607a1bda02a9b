import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'notifier', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('notifier', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'notifier' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { createNotifierApp } from './app.factory';
import { NotifierEnv } from './notifier.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(NotifierEnv);
  const app = await createNotifierApp(env);
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  logger('main').info({ url: await app.getUrl() }, 'notifier listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'notifier failed to start');
  process.exit(1);
});
