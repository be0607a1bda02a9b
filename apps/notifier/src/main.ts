import { installFatalHandlers, shutdownTelemetry, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'notifier', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
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
  process.stdout.write(`notifier listening on ${await app.getUrl()}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`notifier failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
