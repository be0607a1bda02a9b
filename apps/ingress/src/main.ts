import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'ingress', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('ingress', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'ingress' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { ManagementServer } from '@wabridge/telemetry';
import { createIngressApp } from './app.factory';
import { IngressEnv } from './ingress.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(IngressEnv);
  const app = await createIngressApp(env);
  fatal.onFatal(() => app.close());
  await app.init(); // creates topics before the consumers subscribe
  await app.startAllMicroservices();
  await app.listen(env.PORT, env.HOST);
  const url = await app.getUrl();
  const management = await app.get(ManagementServer).url();
  logger('main').info({ url, node: process.version, webhook: `${url}/webhooks/meta/${env.META_APP_ID}`, management }, 'listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'ingress failed to start');
  process.exit(1);
});
