import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the slow receiver saw it; `arrived`/`answered` are positions on one counter (order, not time). */
export interface SlowHit {
  /** `webhook-id` */
  id: string;
  wamid: string;
  /** The conversation's user: the sender of a message, the recipient of a status. */
  conv: string;
  arrived: number;
  /** 0 until answered. */
  answered: number;
}

/** A receiver that answers 200 after `delayMs` and records when each request arrived and was answered. */
export async function slowReceiver(delayMs: number): Promise<{ url: string; hits: SlowHit[]; close: () => Promise<void> }> {
  const hits: SlowHit[] = [];
  let clock = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as { data: { wamid: string; from?: { waId?: string }; recipient?: { waId?: string } } };
      const hit: SlowHit = { id: String(req.headers['webhook-id']), wamid: body.data.wamid, conv: body.data.from?.waId ?? body.data.recipient?.waId ?? '?', arrived: ++clock, answered: 0 };
      hits.push(hit);
      setTimeout(() => {
        hit.answered = ++clock;
        res.writeHead(200).end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
