import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  timestamp: number;
  signature: string;
  body: { type: string; timestamp: string; data: Record<string, any> };
  raw: string;
  at: number;
  /** Which of the receiver's secrets signed it (verified independently of the notifier's code). */
  validFor: string[];
  /** A W3C `traceparent` header, if the request carried one (the notifier sends none: ADR 0098). */
  traceparent?: string;
}

/** Standard Webhooks verification, as a receiver would write it (docs/notifier.md). */
export function verifiedSecrets(secrets: string[], id: string, timestamp: string, body: string, header: string): string[] {
  const given = header.split(' ').map((s) => s.split(',')[1] ?? '');
  return secrets.filter((secret) => {
    const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.${body}`).digest();
    return given.some((g) => {
      const b = Buffer.from(g, 'base64');
      return b.length === expected.length && timingSafeEqual(b, expected);
    });
  });
}

/**
 * A tenant's webhook receiver for tests: answers `status` (200 by default; 500 while down;
 * 'hang' never answers), records every request with its verified signature.
 */
export class Receiver {
  readonly received: Received[] = [];
  status: number | 'hang' = 200;
  secrets: string[] = [];
  private server: http.Server | null = null;
  private readonly hanging = new Set<http.ServerResponse>();
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        const id = String(req.headers['webhook-id'] ?? '');
        const ts = String(req.headers['webhook-timestamp'] ?? '');
        const sig = String(req.headers['webhook-signature'] ?? '');
        const status = this.status;
        this.received.push({
          id, timestamp: Number(ts), signature: sig, raw, at: Date.now(), body: JSON.parse(raw), validFor: verifiedSecrets(this.secrets, id, ts, raw, sig),
          ...(req.headers.traceparent === undefined ? {} : { traceparent: String(req.headers.traceparent) }),
          ...(status === 200 ? {} : { failedWith: status }),
        } as Received);
        if (status === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Requests answered 2xx (what the tenant's system has accepted). */
  accepted(): Received[] {
    return this.received.filter((r) => !(r as { failedWith?: unknown }).failedWith);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
