import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import type { EncryptedSecret } from '@wabridge/contracts';
import { MediaEnv } from '../media.env';
import { GraphClient, StoredFile } from './graph-client';
import { KnownNumber } from './numbers.repository';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  bytes: Buffer;
}

/** Meta's /media endpoint on 127.0.0.1: records complete requests, answers with the test's status and body. */
class LocalGraph {
  readonly received: Received[] = [];
  answer: { status: number; body: unknown } = { status: 200, body: { id: 'meta-media-1' } };
  private readonly server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ url: req.url!, headers: req.headers, bytes: Buffer.concat(chunks) });
      res.writeHead(this.answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.answer.body));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** A stored object of `size` bytes (as storage records it) whose stream yields `bytes`. */
function stored(bytes: Buffer, size = bytes.length): StoredFile & { opened: number } {
  const file = {
    size,
    opened: 0,
    open: async () => {
      file.opened += 1;
      return Readable.from([bytes.subarray(0, bytes.length / 2), bytes.subarray(bytes.length / 2)]);
    },
  };
  return file;
}

describe('media GraphClient uploads', () => {
  const graph = new LocalGraph();
  const keys = SecretBox.generateKeySpec();
  let number: KnownNumber;
  let client: GraphClient;

  beforeAll(async () => {
    const base = await graph.start();
    const n = { phoneNumberId: '106540352249001', tenantId: 't1', graphBaseUrl: base, graphApiVersion: 'v23.0', revision: 3 };
    number = { ...n, accessToken: new SecretBox(keys).seal('tok-media', accessTokenAad(n)) as EncryptedSecret };
    client = new GraphClient(Object.assign(new MediaEnv(), { ENCRYPTION_KEYS: keys, MEDIA_GRAPH_TIMEOUT_MS: 5000 }));
  });
  beforeEach(() => {
    graph.received.length = 0;
    graph.answer = { status: 200, body: { id: 'meta-media-1' } };
  });
  afterAll(() => graph.stop());

  it('streams the stored object as Meta\'s multipart form with the number\'s token and returns Meta\'s id', async () => {
    const bytes = randomBytes(100_000);
    const result = await client.uploadExplained(number, stored(bytes), 'image/png', 'a "b".png');
    expect(result).toEqual({ metaMediaId: 'meta-media-1' });
    const r = graph.received[0]!;
    expect(r.url).toBe('/v23.0/106540352249001/media');
    expect(r.headers.authorization).toBe('Bearer tok-media');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(r.headers['content-type']!)![1]!;
    expect(Number(r.headers['content-length'])).toBe(r.bytes.length);
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\nimage/png\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a _b_.png"\r\nContent-Type: image/png\r\n\r\n`;
    expect(r.bytes.equals(Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]))).toBe(true);
  });

  it('answers Graph\'s refusal with its status and answer', async () => {
    graph.answer = { status: 400, body: { error: { message: 'Param file must be a file with one of the following types', code: 100 } } };
    const result = await client.uploadExplained(number, stored(randomBytes(10)), 'image/png', 'x.png');
    expect(result).toEqual({ failure: 'Graph answered 400: {"error":{"message":"Param file must be a file with one of the following types","code":100}}' });
  });

  it('fails an object shorter than its recorded size at once, and Graph never gets a complete request', async () => {
    const started = Date.now();
    const result = await client.uploadExplained(number, stored(randomBytes(1000), 5000), 'image/png', 'x.png');
    expect(result).toEqual({ failure: 'Graph upload failed: Graph call not completed: the request body failed: stored object is 1000 bytes, expected 5000' });
    expect(Date.now() - started).toBeLessThan(3000); // not the 5 s timeout
    expect(graph.received).toEqual([]);
  });

  it('fails without opening the stored object when the number\'s token does not open', async () => {
    const file = stored(randomBytes(10));
    const result = await client.uploadExplained({ ...number, revision: 4 }, file, 'image/png', 'x.png'); // AAD no longer matches
    expect(result).toMatchObject({ failure: expect.stringMatching(/^Graph upload failed: /) });
    expect(file.opened).toBe(0);
    expect(graph.received).toEqual([]);
  });
});
