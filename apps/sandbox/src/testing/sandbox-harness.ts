import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SandboxAppOptions, createSandboxApp } from '../sandbox-app';
import { RegisterNumberDto } from '../control/dto/register-number.dto';

export interface RunningSandbox {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts the sandbox in-process on 127.0.0.1:0, silent. */
export async function startSandbox(options: SandboxAppOptions = {}): Promise<RunningSandbox> {
  const app = await createSandboxApp({ logger: false, ...options });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export function testNumber(overrides: Partial<RegisterNumberDto> = {}): RegisterNumberDto {
  return Object.assign(new RegisterNumberDto(), {
    phoneNumberId: '106540352242922',
    displayPhoneNumber: '15550783881',
    wabaId: '102290129340398',
    accessToken: 'test-token',
    appSecret: 'test-app-secret',
    callbackUrl: 'http://127.0.0.1:9/unused',
    ...overrides,
  });
}

export interface JsonReply {
  status: number;
  body: Record<string, unknown> & { error?: Record<string, unknown> };
}

export async function requestJson(url: string, init: { method?: string; token?: string | null; body?: unknown } = {}): Promise<JsonReply> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined && init.token !== null) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'), headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as JsonReply['body']) };
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes (bounded). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
