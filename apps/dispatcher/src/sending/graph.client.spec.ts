import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { GraphClient, GraphSendInput } from './graph.client';

describe('dispatcher GraphClient (adapter over libs/meta)', () => {
  let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server = createServer((req, res) => answer(req, res));
  const client = new GraphClient(300);
  let input: GraphSendInput;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    input = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, version: 'v23.0', phoneNumberId: '1555', accessToken: 'tok', body: { to: '49', type: 'text', text: { body: 'hi' } } };
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('returns the wamid and status of an accepted send', async () => {
    let seen: { url?: string; auth?: string } = {};
    answer = (req, res) => {
      seen = { url: req.url, auth: req.headers.authorization };
      res.end(JSON.stringify({ messages: [{ id: 'wamid.A' }] }));
    };
    expect(await client.send(input)).toEqual({ ok: true, wamid: 'wamid.A', httpStatus: 200 });
    expect(seen).toEqual({ url: '/v23.0/1555/messages', auth: 'Bearer tok' });
  });

  it('maps Meta\'s error to the class, code and status the retry decision reads', async () => {
    answer = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: '(#130429) Rate limit hit', code: 130429, error_subcode: 2494055, fbtrace_id: 'Ax' } }));
    };
    expect(await client.send(input)).toEqual({
      ok: false,
      error: { class: 'throttled', code: 130429, subcode: 2494055, message: '(#130429) Rate limit hit', httpStatus: 400, fbtraceId: 'Ax', outcomeUnknown: false },
    });
  });

  it('reports a timeout as transient, status 0, outcome unknown (reconcile, do not resend)', async () => {
    answer = () => undefined;
    const r = await client.send(input);
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ class: 'transient', httpStatus: 0, outcomeUnknown: true, message: 'Graph call timed out after 300 ms' }) });
  });

  it('reports a refused connection as never sent (resend at once)', async () => {
    const r = await client.send({ ...input, baseUrl: 'http://127.0.0.1:1' });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ class: 'transient', httpStatus: 0, outcomeUnknown: false }) });
  });
  it('keeps every socket of a burst of 200 concurrent sends open for the next burst (ADR 0213)', async () => {
    // A separate client and server: connections are counted from a fresh pool.
    let connections = 0;
    const held: ServerResponse[] = [];
    const burst = createServer((_req, res) => {
      held.push(res);
      // All 200 are in flight at once, as a batch's sends are; then they are answered together.
      if (held.length === 200) for (const r of held.splice(0)) r.end(JSON.stringify({ messages: [{ id: 'wamid.B' }] }));
    });
    burst.on('connection', () => void connections++);
    await new Promise<void>((r) => burst.listen(0, '127.0.0.1', r));
    const own = new GraphClient(5000);
    try {
      const to = { ...input, baseUrl: `http://127.0.0.1:${(burst.address() as AddressInfo).port}` };
      const round = () => Promise.all(Array.from({ length: 200 }, () => own.send(to)));
      expect((await round()).every((r) => r.ok)).toBe(true);
      expect(connections).toBe(200);
      // Let the answered sockets return to the pool before the next burst.
      await new Promise((r) => setTimeout(r, 50));
      expect((await round()).every((r) => r.ok)).toBe(true);
      // libs/meta's default of 64 free sockets closed 136 of them, which the second burst opened again.
      expect(connections).toBe(200);
    } finally {
      own.close();
      burst.closeAllConnections();
      await new Promise((r) => burst.close(r));
    }
  });
});
