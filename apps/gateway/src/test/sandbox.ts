import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';

// The sandbox is an app, not a lib, so Jest's @wabridge/* mapping does not reach it; tests
// load its in-process factory by path (test code only, never shipped; a computed require keeps
// tsc from compiling the sandbox into the gateway's program).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { createSandboxApp } = require(join(__dirname, '..', '..', '..', 'sandbox', 'src', 'sandbox-app')) as {
  createSandboxApp(options: Record<string, unknown>): Promise<NestFastifyApplication>;
};

export interface SandboxNumber {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

export interface RunningSandbox {
  url: string;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

/** Meta's stand-in on 127.0.0.1:0, webhooks swallowed (tests here never need them delivered). */
export async function startSandbox(numbers: SandboxNumber[], options: Record<string, unknown> = {}): Promise<RunningSandbox> {
  const app = await createSandboxApp({
    logger: false,
    poster: async () => 200,
    ...options,
    numbers: numbers.map((n) => ({ ...n, displayPhoneNumber: '15550100000', appSecret: 'sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused' })),
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
