import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'dispatcher', otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('dispatcher', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'dispatcher' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit, releaseMemoryWhenIdle } from '@wabridge/config';
import { createDispatcherApp } from './app.factory';
import { DispatcherEnv } from './dispatcher.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(DispatcherEnv);
  const { url, close } = await createDispatcherApp(env);
  fatal.onFatal(close);
  // Idle IDLE_MEMORY_RELEASE_MS (30 s, ADR 0215; no batch, no status): what the boot or the last burst grew goes back to the OS (ADR 0204).
  releaseMemoryWhenIdle({ idleMs: env.IDLE_MEMORY_RELEASE_MS, onRelease: (r) => logger('main').info(r, 'idle: memory released') });
  logger('main').info({ url }, 'dispatcher listening (health/metrics only)');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'dispatcher failed to start');
  process.exit(1);
});
