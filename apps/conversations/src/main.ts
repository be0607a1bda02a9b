import { installFatalHandlers, logger, shutdownTelemetry, startLogging, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'conversations', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// One log format: JSON lines with trace ids (LOG_LEVEL, LOG_FORMAT; ADR 0179).
startLogging('conversations', process.env);
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'conversations' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { createConversationsApp } from './app.factory';
import { ConversationsEnv } from './conversations.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(ConversationsEnv);
  const app = await createConversationsApp(env);
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  logger('main').info({ url: await app.getUrl() }, 'conversations listening');
}

main().catch((err: unknown) => {
  logger('main').fatal({ err }, 'conversations failed to start');
  process.exit(1);
});
