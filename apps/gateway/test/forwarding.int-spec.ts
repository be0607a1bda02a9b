import { createHash } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { connect } from 'node:net';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ContactsHarness } from '../../contacts/src/testing/contacts-harness';
import { Harness, seedTenant, startGateway, TenantFixture } from '../src/testing/gateway-harness';

/** A raw HTTP/1.1 exchange: writes `head` and then `trickle()` forever; resolves with what came back once the server closes. */
function rawRequest(url: string, head: string, trickle: () => string, everyMs: number): Promise<{ text: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    // the trickle starts once the head is written (on a slow connect it used to go first: a 400)
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(trickle());
      }, everyMs);
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', () => undefined); // a reset after the answer is fine
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    const guard = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server kept the connection open; got so far: ${text}`));
    }, 20000);
  });
}

const TRAVERSALS = [
  '/v1/contacts/../../metrics',
  '/v1/contacts/../analytics/summary',
  '/v1/contacts/%2e%2e/%2e%2e/metrics',
  '/v1/contacts/%2E%2E/%2E%2E/health/ready',
  '/v1/contacts/.%2e/.%2e/metrics',
  '/v1/contacts/..%2f..%2fmetrics',
  '/v1/contacts/..%2F..%2Fmetrics',
  '/v1/contacts/%2e%2e%2f%2e%2e%2fmetrics',
  '/v1/contacts/..\\..\\metrics',
  '/v1/contacts/%5c..%5c..%5cmetrics',
  '/v1/contacts/%252e%252e/%252e%252e/metrics',
  '/v1/contacts/%25252e%25252e%25252fmetrics',
  '/v1/contacts/./../../metrics',
  '/v1/contacts/x/../../../metrics',
  '/v1/media/..%2f..%2fmetrics',
  '/v1/analytics/%2e%2e/%2e%2e/metrics',
];

describe('gateway forwarder: traversal, upload bounds, request deadlines', () => {
  describe('against a recording service', () => {
    let h: Harness;
    let fx: TenantFixture;
    let server: Server;
    const seen: string[] = [];
    /** What reached the service: the body's bytes and content type, by path. */
    const bodies = new Map<string, { type: string | undefined; sha256: string; bytes: number }>();
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req.url!);
        const hash = createHash('sha256');
        let bytes = 0;
        req.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
        });
        req.on('end', () => {
          bodies.set(req.url!, { type: req.headers['content-type'], sha256: hash.digest('hex'), bytes });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ url: req.url }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      h = await startGateway({ CONTACTS_URL: url, MEDIA_URL: url, ANALYTICS_URL: url });
      fx = await seedTenant(h);
    });
    afterAll(async () => {
      await h?.close();
      server?.closeAllConnections();
      server?.close();
    });

    it.each(TRAVERSALS)('refuses %s with 400 and forwards nothing', async (path) => {
      const before = seen.length;
      // fetch would normalize the path itself: send it byte for byte
      const res = await rawRequest(h.url, `GET ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${fx.key}\r\nconnection: close\r\n\r\n`, () => '', 1000);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(res.text)?.[1]);
      expect(status).toBe(400);
      expect(res.text).toContain('"code":"invalid_path"');
      expect(seen.slice(before)).toEqual([]);
    });

    it('still forwards ordinary paths, including dots inside a segment and encoded characters in the query', async () => {
      for (const path of ['/v1/contacts/01JABC', '/v1/contacts/a.b..c/export', '/v1/contacts?tag=..%2F..&attribute=k:v%2Fw', '/v1/media/m1', '/v1/analytics/summary?since=2026-01-01']) {
        const res = await h.api(fx.key, 'GET', path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(res.body.url).toBe(path);
      }
    });

    // ADR 0224: the gateway parsed JSON and text bodies itself, under its 1 MiB body limit, and
    // re-encoded them; uploads that stream past it in the services never got there.
    it('streams a JSON contacts import larger than BODY_LIMIT_BYTES to the service unchanged', async () => {
      const json = Buffer.from(JSON.stringify(Array.from({ length: 30_000 }, (_, i) => ({ phone: `+49151${String(10_000_000 + i)}`, name: `Customer ${i}` }))));
      expect(json.length).toBeGreaterThan(1024 * 1024);
      const path = `/v1/contacts/import?phoneNumberId=${fx.phoneNumberId}`;
      const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'application/json' }, body: json });
      expect(res.status).toBe(200);
      expect(bodies.get(path)).toEqual({ type: 'application/json', sha256: createHash('sha256').update(json).digest('hex'), bytes: json.length });
    });

    it('streams a text document uploaded as raw bytes to the media service byte for byte, whatever its size and encoding', async () => {
      const latin1 = Buffer.concat([Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1'), Buffer.alloc(1.5 * 1024 * 1024, 'a')]);
      const path = `/v1/media?phoneNumberId=${fx.phoneNumberId}`;
      const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'text/plain' }, body: latin1 });
      expect(res.status).toBe(200);
      expect(bodies.get(path)).toEqual({ type: 'text/plain', sha256: createHash('sha256').update(latin1).digest('hex'), bytes: latin1.length });
    });

    it('gives a campaign parameters CSV the upload deadline (FORWARD_IMPORT_TIMEOUT_MS), not REQUEST_TIMEOUT_MS', async () => {
      const gw = await startGateway({ CAMPAIGNS_URL: h.gw.env.CONTACTS_URL, REQUEST_TIMEOUT_MS: '600', FORWARD_IMPORT_TIMEOUT_MS: '5000' });
      try {
        const fx2 = await seedTenant(gw);
        const rows: string[] = [];
        async function* slowly(): AsyncGenerator<string> {
          for (let i = 0; i < 8; i++) {
            const row = i === 0 ? 'waId,code\n' : `49151${String(10_000_000 + i)},C${i}\n`;
            rows.push(row);
            yield row;
            await new Promise((r) => setTimeout(r, 200)); // 1.6 s in all: past REQUEST_TIMEOUT_MS
          }
        }
        const path = '/v1/campaigns/cmp_1/parameters';
        const res = await fetch(`${gw.url}${path}`, {
          method: 'PUT', headers: { authorization: `Bearer ${fx2.key}`, 'content-type': 'text/csv' },
          body: Readable.toWeb(Readable.from(slowly())) as ReadableStream, duplex: 'half',
        } as RequestInit);
        expect(res.status).toBe(200);
        expect(bodies.get(path)).toMatchObject({ type: 'text/csv', bytes: Buffer.byteLength(rows.join('')) });
      } finally {
        await gw.close();
      }
    });

    it('answers 415 for a form or text body sent where JSON is expected, and forwards nothing', async () => {
      const before = seen.length;
      const send = JSON.stringify({ phoneNumberId: fx.phoneNumberId, to: '4915112345678', type: 'text', text: { body: 'hi' } });
      for (const [path, type] of [
        ['/v1/messages', 'application/x-www-form-urlencoded'], ['/v1/messages', 'text/plain;charset=UTF-8'],
        ['/v1/contacts', 'application/x-www-form-urlencoded'], ['/v1/contacts', 'text/plain'], ['/v1/media/resolve', 'application/x-www-form-urlencoded'],
      ] as const) {
        const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': type }, body: send });
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect({ path, type, status: res.status, code: body.error.code }).toEqual({ path, type, status: 415, code: 'unsupported_media_type' });
        expect(body.error.message).toContain('Content-Type: application/json');
      }
      expect(seen.slice(before)).toEqual([]);
    });
  });

  describe('against the real contacts service', () => {
    const contacts = new ContactsHarness();
    let h: Harness;
    let fx: TenantFixture;
    const MAX_UPLOAD = 1024 * 1024;
    beforeAll(async () => {
      await contacts.start({ CONTACTS_IMPORT_MAX_RECORD_BYTES: '65536' });
      h = await startGateway({ CONTACTS_URL: contacts.url, FORWARD_IMPORT_MAX_BYTES: String(MAX_UPLOAD), REQUEST_TIMEOUT_MS: '600', FORWARD_IMPORT_TIMEOUT_MS: '2000' });
      fx = await seedTenant(h);
    }, 90000);
    afterAll(async () => {
      await h?.close();
      await contacts.stop();
    });
    const rowsOfTenant = async (): Promise<number> =>
      Number((await contacts.sql<{ n: string }>('SELECT count(*) AS n FROM contacts WHERE tenant_id = $1', [fx.tenantId]))[0]!.n);

    it('does not let a traversal reach contacts\' own routes (/metrics, /health)', async () => {
      const direct = await fetch(`${contacts.url}/metrics`);
      expect(direct.status).toBe(200); // the route exists: a traversal would have reached it
      for (const path of TRAVERSALS.filter((p) => p.startsWith('/v1/contacts'))) {
        const res = await rawRequest(h.url, `GET ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${fx.key}\r\nconnection: close\r\n\r\n`, () => '', 1000);
        expect({ path, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(res.text)?.[1]) }).toEqual({ path, status: 400 });
        expect(res.text).not.toContain('process_resident_memory_bytes');
      }
    });

    it('answers 413 for one oversized NDJSON line, imports the rows before it, and memory stays flat', async () => {
      const big = `{"phone":"+4915100000003","attributes":{"blob":"${'x'.repeat(9_800_000)}"}}`;
      const body = `{"phone":"+4915100000001"}\n{"phone":"+4915100000002"}\n${big}\n{"phone":"+4915100000004"}\n`;
      const gw = await startGateway({ CONTACTS_URL: contacts.url }); // default 100 MB upload limit: the record limit must act
      try {
        const fx2 = await seedTenant(gw);
        const baseline = process.memoryUsage().heapUsed;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
        const res = await fetch(`${gw.url}/v1/contacts/import?phoneNumberId=${fx2.phoneNumberId}`, {
          method: 'POST', headers: { authorization: `Bearer ${fx2.key}`, 'content-type': 'application/x-ndjson' },
          body: Readable.toWeb(Readable.from([body])) as ReadableStream, duplex: 'half',
        } as RequestInit);
        const answer = (await res.json()) as { error: { code: string; message: string; details: { line: number; report: { created: number } } } };
        clearInterval(sampler);
        const grownMb = (peak - baseline) / 1024 / 1024;
        process.stdout.write(`oversized NDJSON line (9.8 MB): peak heap growth ${grownMb.toFixed(1)} MB\n`);
        expect(res.status).toBe(413);
        expect(answer.error.code).toBe('record_too_large');
        expect(answer.error.message).toMatch(/line 3/);
        expect(answer.error.details).toMatchObject({ line: 3, report: { created: 2 } });
        expect(Number((await contacts.sql<{ n: string }>('SELECT count(*) AS n FROM contacts WHERE tenant_id = $1', [fx2.tenantId]))[0]!.n)).toBe(2);
        // before the limit the same line held ~300 MB of heap in contacts (issue 11)
        expect(grownMb).toBeLessThan(60);
      } finally {
        await gw.close();
      }
    });

    it('answers 413 for a CSV record over the limit', async () => {
      const res = await fetch(`${h.url}/v1/contacts/import?phoneNumberId=${fx.phoneNumberId}`, {
        method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'text/csv' },
        body: `phone,name\n+4915100000009,"${'n'.repeat(70_000)}"\n`,
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('record_too_large');
    });

    it('answers 413 at once for a declared upload over FORWARD_IMPORT_MAX_BYTES, forwarding nothing', async () => {
      const before = await rowsOfTenant();
      const rows = Array.from({ length: 60_000 }, (_, i) => `+49152${String(10_000_000 + i)},n${i}`).join('\n');
      const csv = `phone,name\n${rows}\n`;
      expect(csv.length).toBeGreaterThan(MAX_UPLOAD);
      const res = await fetch(`${h.url}/v1/contacts/import?phoneNumberId=${fx.phoneNumberId}`, {
        method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'text/csv' }, body: csv,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining(`${MAX_UPLOAD} bytes`) } });
      expect(await rowsOfTenant()).toBe(before);
    });

    it('cuts a streamed (chunked) upload once it passes FORWARD_IMPORT_MAX_BYTES and answers 413', async () => {
      async function* chunks(): AsyncGenerator<string> {
        yield 'phone,name\n';
        for (let i = 0; i < 800; i++) yield Array.from({ length: 100 }, (_, j) => `+49153${String(10_000_000 + i * 100 + j)},n`).join('\n') + '\n';
      }
      const res = await fetch(`${h.url}/v1/contacts/import?phoneNumberId=${fx.phoneNumberId}`, {
        method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'text/csv' },
        body: Readable.toWeb(Readable.from(chunks())) as ReadableStream, duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    });

    it('ends a slow-loris body on an ordinary route with 408 after REQUEST_TIMEOUT_MS', async () => {
      const head = `POST /v1/messages HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${fx.key}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`;
      const res = await rawRequest(h.url, head, () => ' ', 100);
      expect(res.text).toMatch(/^HTTP\/1\.1 408/);
      expect(res.text).toContain('"code":"request_timeout"');
      expect(res.closedAfterMs).toBeLessThan(10000); // ends (not "never"); generous for a loaded box
    });

    it('ends a never-finishing streamed import after FORWARD_IMPORT_TIMEOUT_MS', async () => {
      let i = 0;
      const head = `POST /v1/contacts/import?phoneNumberId=${fx.phoneNumberId} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${fx.key}\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\r\n`;
      const chunk = (s: string): string => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
      const res = await rawRequest(h.url, head + chunk('phone,name\n'), () => chunk(`+49154${String(10_000_000 + i++)},slow\n`), 100);
      // longer than REQUEST_TIMEOUT_MS (the import has its own deadline), and it does end
      expect(res.closedAfterMs).toBeGreaterThan(1500);
      expect(res.closedAfterMs).toBeLessThan(15000);
      expect(res.text).toMatch(/^HTTP\/1\.1 (408|504)/);
    });
  });
});
