import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A stand-in for the contacts service's `GET /v1/contacts` in gateway tests that schedule free-form
 * sends but are about something else (the window rule itself is tested against the real contacts
 * service in `scheduled-window.int-spec.ts`): every contact's window is open until 60 days ahead.
 */
export async function startOpenWindowContacts(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    const open = new Date(Date.now() + 60 * 86_400_000).toISOString();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: [{ windowOpenUntil: open }], nextCursor: null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
