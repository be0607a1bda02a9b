import { installFatalHandlers, shutdownTelemetry, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'dispatcher', otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] });
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'dispatcher' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { createDispatcherApp } from './app.factory';
import { DispatcherEnv } from './dispatcher.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(DispatcherEnv);
  const { url, close } = await createDispatcherApp(env);
  fatal.onFatal(close);
  process.stdout.write(`dispatcher listening on ${url} (health/metrics only)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`dispatcher failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
