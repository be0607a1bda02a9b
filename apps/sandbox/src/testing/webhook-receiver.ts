import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@wabridge/meta';

export interface ReceivedWebhook {
  raw: Buffer;
  body: WebhookBody;
  signature: string | undefined;
  signatureValid: boolean;
  answeredWith: number;
}

export interface WebhookBody {
  object: string;
  entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> & { statuses?: Record<string, unknown>[]; messages?: Record<string, unknown>[]; contacts?: Record<string, unknown>[] } }[] }[];
}

/**
 * A tiny stand-in for the platform's ingress on 127.0.0.1:0: records every webhook, checks
 * its signature with the app secret, and answers 500 to the first `failFirst` requests.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | null = null;
  failFirst = 0;
  private seen = 0;

  constructor(private readonly appSecret: string) {}

  /** Forgets what was received; the next request is the first again. */
  reset(): void {
    this.received.length = 0;
    this.seen = 0;
    this.failFirst = 0;
  }

  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/webhooks/meta/test`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every status object received, in arrival order. */
  statuses(): Record<string, unknown>[] {
    return this.received.filter((r) => r.answeredWith === 200).flatMap((r) => r.body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.statuses ?? [])));
  }

  messages(): Record<string, unknown>[] {
    return this.received.filter((r) => r.answeredWith === 200).flatMap((r) => r.body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.messages ?? [])));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const signature = req.headers['x-hub-signature-256'];
    this.seen++;
    const status = this.seen <= this.failFirst ? 500 : 200;
    this.received.push({
      raw,
      body: JSON.parse(raw.toString('utf8')) as WebhookBody,
      signature: typeof signature === 'string' ? signature : undefined,
      signatureValid: verifyWebhookSignature(raw, signature, this.appSecret),
      answeredWith: status,
    });
    res.writeHead(status).end();
  }
}
