import { installFatalHandlers, shutdownTelemetry, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'analytics', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
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
  process.stdout.write(`analytics listening on ${await app.getUrl()}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`analytics failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
