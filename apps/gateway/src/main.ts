// Telemetry first: the instrumentation hooks must see http, pg and fastify load.
import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';

startTelemetry({ serviceName: 'gateway', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('gateway', process.env);
// An unhandled rejection or uncaught exception (a boot failure too: main() is not awaited):
// one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'gateway' });
fatal.onFatal(() => shutdownTelemetry());

import { ConfigError, releaseMemoryWhenIdle } from '@wabridge/config';
import { createGatewayApp } from './app.factory';

async function main(): Promise<void> {
  const log = logger('main');
  const print = (line: string): void => log.info(line);
  try {
    const gw = await createGatewayApp(process.env, { print });
    fatal.onFatal(() => gw.close());
    // Idle IDLE_MEMORY_RELEASE_MS (30 s, ADR 0215; no request): what the boot or the last burst grew goes back to the OS (ADR 0204).
    releaseMemoryWhenIdle({ idleMs: gw.env.IDLE_MEMORY_RELEASE_MS, onRelease: (r) => log.info(r, 'idle: memory released') });
    print(`listening on ${gw.url} (OpenAPI at ${gw.url}/docs); health and metrics on ${gw.managementUrl}`);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

void main();
