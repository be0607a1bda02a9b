import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'analytics', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('analytics', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'analytics' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { AnalyticsEnv } from './analytics.env';
import { createAnalyticsApp } from './app.factory';

async function main(): Promise<void> {
  const env = loadConfigOrExit(AnalyticsEnv);
  const app = await createAnalyticsApp(env);
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  logger('main').info({ url: await app.getUrl() }, 'analytics listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'analytics failed to start');
  process.exit(1);
});
