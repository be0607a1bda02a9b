import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface StubCall {
  at: number;
  phoneNumberId: string;
  authorization: string;
  body: Record<string, unknown>;
  httpStatus: number;
  errorCode?: number;
}

export type StubBehaviour = (call: { phoneNumberId: string; body: Record<string, unknown>; authorization: string; n: number }) =>
  { status: number; body: unknown } | undefined;

/**
 * A tiny Graph API stand-in (until the sandbox lands): records every send, enforces Meta's
 * per-number 1 s bucket (130429) and pair rule (131056), and lets a test script faults.
 */
export class GraphStub {
  readonly calls: StubCall[] = [];
  behaviour: StubBehaviour = () => undefined;
  /** Called for each accepted send (tests use it to play Meta's `sent` status webhook). */
  onSent: ((call: StubCall, wamid: string) => void) | null = null;
  private server: Server | null = null;
  private n = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly pairs = new Map<string, { tokens: number; at: number }>();
  mps = new Map<string, number>();
  pairBurst = 45;
  pairRefillMs = 6000;
  /** How long every call takes before it is answered (a slow Graph API). */
  latencyMs = 0;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  sent(): StubCall[] {
    return this.calls.filter((c) => c.httpStatus === 200);
  }

  private take(map: Map<string, { tokens: number; at: number }>, key: string, capacity: number, perMs: number): boolean {
    const now = Date.now();
    const b = map.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    map.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/v\d+\.\d+\/(\d+)\/messages$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const phoneNumberId = m[1]!;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const authorization = String(req.headers.authorization ?? '');
    const n = ++this.n;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    let reply = this.behaviour({ phoneNumberId, body, authorization, n });
    if (!reply) {
      const mps = this.mps.get(phoneNumberId) ?? 80;
      const to = String(body['to'] ?? body['recipient']);
      if (!this.take(this.buckets, phoneNumberId, mps, mps / 1000)) {
        reply = { status: 400, body: { error: { code: 130429, message: 'Rate limit hit' } } };
      } else if (!this.take(this.pairs, `${phoneNumberId}:${to}`, this.pairBurst, 1 / this.pairRefillMs)) {
        reply = { status: 400, body: { error: { code: 131056, message: 'Pair rate limit hit' } } };
      } else {
        reply = { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${n}.${Date.now()}` }] } };
      }
    }
    const errorCode = (reply.body as { error?: { code?: number } })?.error?.code;
    const call = { at: Date.now(), phoneNumberId, authorization, body, httpStatus: reply.status, errorCode };
    this.calls.push(call);
    const wamid = (reply.body as { messages?: { id: string }[] })?.messages?.[0]?.id;
    if (wamid && this.onSent) this.onSent(call, wamid);
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  }
}
