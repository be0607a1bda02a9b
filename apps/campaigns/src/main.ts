import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'campaigns', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('campaigns', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'campaigns' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { createCampaignsApp } from './app.factory';
import { CampaignsEnv } from './campaigns.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(CampaignsEnv);
  const app = await createCampaignsApp(env);
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  logger('main').info({ url: await app.getUrl() }, 'campaigns listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'campaigns failed to start');
  process.exit(1);
});
