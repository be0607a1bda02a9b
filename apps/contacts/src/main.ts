import { installFatalHandlers, shutdownTelemetry, startTelemetry } from '@wabridge/telemetry';
startTelemetry({ serviceName: 'contacts', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
// An unhandled rejection or uncaught exception: one JSON line, drain, exit 1 (ADR 0062).
const fatal = installFatalHandlers({ service: 'contacts' });
fatal.onFatal(() => shutdownTelemetry());

import { loadConfigOrExit } from '@wabridge/config';
import { createContactsApp } from './app.factory';
import { ContactsEnv } from './contacts.env';

async function main(): Promise<void> {
  const env = loadConfigOrExit(ContactsEnv);
  const app = await createContactsApp(env);
  fatal.onFatal(() => app.close());
  await app.listen(env.PORT, env.HOST);
  process.stdout.write(`contacts listening on ${await app.getUrl()}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`contacts failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
