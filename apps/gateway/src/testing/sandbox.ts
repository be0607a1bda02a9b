import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSandboxApp } from '@wabridge/sandbox';

// The sandbox is consumed as a package (a devDependency; Jest maps it to its sources).

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
