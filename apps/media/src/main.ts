import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'media', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('media', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'media' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit, releaseBootMemory } from '@wabridge/config';
import { createMediaApp } from './app.factory';
import { MediaEnv } from './media.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(MediaEnv);
  const app = await createMediaApp(env);
  fatal.onFatal(() => app.close());
  // Built: what the boot allocated and dropped goes back to the OS before requests come; V8
  // shrinks the young generation seconds later (ADR 0145).
  const released = releaseBootMemory();
  if (released) logger('main').info(released, 'boot memory released');
  await app.listen(env.PORT, env.HOST);
  logger('main').info({ url: await app.getUrl() }, 'media listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'media failed to start');
  process.exit(1);
});
