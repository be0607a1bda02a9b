import { installFatalHandlers, shutdownTelemetry, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'conversations', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
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
  process.stdout.write(`conversations listening on ${await app.getUrl()}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`conversations failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
