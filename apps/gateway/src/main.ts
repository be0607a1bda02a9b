import { startTelemetry } from '@wabridge/telemetry';

startTelemetry({ serviceName: 'gateway', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });

// eslint-disable-next-line @typescript-eslint/no-require-imports -- after telemetry, so instrumentation hooks see the libraries load
import type * as Factory from './app.factory';
import { ConfigError } from '@wabridge/config';

async function main(): Promise<void> {
  const { createGatewayApp } = require('./app.factory') as typeof Factory;
  const print = (line: string): void => void process.stdout.write(`[gateway] ${line}\n`);
  try {
    const gw = await createGatewayApp(process.env, { print });
    print(`listening on ${gw.url} (OpenAPI at ${gw.url}/docs)`);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

void main();
