import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  AbortMultipartUploadCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConfigError, loadConfig } from '@wabridge/config';
import { waitFor } from '@wabridge/testing';
import { MediaEnv } from '../media.env';
import { MediaHarness, startSandbox } from '../testing/media-harness';
import { TooLargeError } from './media-storage';
import { openMediaStorage } from './open-storage';
import { S3BucketMissingError, S3Storage, S3StorageError } from './s3-storage';

// The S3 server `npm test` starts (scripts/s3/start.sh: S3Proxy on 127.0.0.1:9311, ADR 0107).
const ENDPOINT = process.env.S3_TEST_ENDPOINT ?? `http://127.0.0.1:${process.env.S3_PORT ?? 9311}`;
const CREDENTIALS = {
  accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'local-s3-access-key',
  secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'local-s3-secret-key',
};
const MiB = 1024 * 1024;
const PART = 5 * MiB;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `total` random bytes in 64 KiB chunks, generated as read (never held whole); hashed on the way. */
function randomSource(total: number): { stream: Readable; sha256: () => string; sent: () => number } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const piece = randomBytes(Math.min(64 * 1024, total - sent));
      sent += piece.length;
      hash.update(piece);
      this.push(piece);
    },
  });
  return { stream, sha256: () => hash.digest('hex'), sent: () => sent };
}

// A full collection on demand (the test runs without --expose-gc): a few, at one quiet point, to
// read live memory only (frequent forced collections starve a loaded test process).
setFlagsFromString('--expose-gc');
const forceGc = runInNewContext('gc') as () => void;

describe('S3Storage against a real S3 server (S3Proxy)', () => {
  const admin = new S3Client({ endpoint: ENDPOINT, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  const bucket = `media-test-${randomBytes(5).toString('hex')}`;
  const storage = new S3Storage({
    bucket, prefix: 'objects/', endpoint: ENDPOINT, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS, timeoutMs: 20000, partSize: PART,
  });

  const pendingUploads = async (): Promise<string[]> =>
    ((await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).map((u) => u.Key ?? '');
  const objectExists = async (key: string): Promise<boolean> =>
    admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(() => true, (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    });

  beforeAll(async () => {
    try {
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      throw new Error(`no S3 server at ${ENDPOINT} (${(err as Error).message}); start it with \`bash scripts/s3/start.sh\``, { cause: err });
    }
  });

  afterAll(async () => {
    for (const u of (await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []) {
      await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
    }
    for (const o of (await admin.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []) {
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    }
    await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    admin.destroy();
    await storage.close();
  });

  it('stores the bytes (sniffed head first) and reads them back byte-identical, with the sha256 and size computed while streaming', async () => {
    const bytes = randomBytes(300_000);
    const head = bytes.subarray(0, 4100);
    const rest = Readable.from([bytes.subarray(4100, 100_000), bytes.subarray(100_000)]);

    const put = await storage.put('small-1', rest, { head, maxBytes: 16 * MiB });

    expect(put).toEqual({ size: bytes.length, sha256: sha(bytes) });
    const back = await readAll(await storage.get('small-1'));
    expect(back.equals(bytes)).toBe(true);
    // under the configured prefix, as one object
    expect(await objectExists('objects/small-1')).toBe(true);
    expect(await pendingUploads()).toEqual([]);
  });

  it('streams a 64 MB object as a multipart upload: parts reach S3 while the source is still open, and the object is never held in memory', async () => {
    const total = 64 * MiB;
    const holdAt = 56 * MiB;
    const hash = createHash('sha256');
    let sent = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held = false;
    const next = (): Buffer => {
      const piece = randomBytes(Math.min(64 * 1024, total - sent));
      sent += piece.length;
      hash.update(piece);
      return piece;
    };
    // produces 56 MB, then waits for the test to let the last 8 MB through
    const source = new Readable({
      read() {
        if (sent >= total) return void this.push(null);
        if (sent >= holdAt && !held) {
          held = true;
          void released.then(() => this.push(next()));
          return;
        }
        this.push(next());
      },
    });
    forceGc();
    const base = process.memoryUsage();

    const putting = storage.put('big-1', source, { maxBytes: 100 * MiB });
    // while the source is held open, S3 already holds most of what it produced, as parts
    const uploadedBytes = async (): Promise<number> => {
      const upload = ((await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'objects/big-1' }))).Uploads ?? [])[0];
      if (!upload) return 0;
      const parts = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      return (parts.Parts ?? []).reduce((n, p) => n + (p.Size ?? 0), 0);
    };
    try {
      await waitFor(async () => held && (await uploadedBytes()) >= 50 * MiB, { timeoutMs: 40000, intervalMs: 200, what: '50 MB of parts in S3 while the source is held' });
      // live memory at this quiet point is a few parts' worth, not the 56 MB read so far. Dead
      // buffers are freed by a background sweeper after a collection: collect, let it run, twice.
      for (let i = 0; i < 2; i++) {
        forceGc();
        await new Promise((r) => setTimeout(r, 300));
      }
      forceGc();
      const now = process.memoryUsage();
      const live = now.heapUsed - base.heapUsed + now.arrayBuffers - base.arrayBuffers;
      process.stdout.write(`64 MB S3 upload, held at 56 MB with >= 50 MB in S3: live memory growth (heap + buffers) +${(live / MiB).toFixed(1)} MB\n`);
      expect(live).toBeLessThan(32 * MiB);
    } finally {
      release(); // also when the wait failed: the upload then ends instead of hanging
    }
    const put = await putting;
    expect(put).toEqual({ size: total, sha256: hash.digest('hex') });
    // one object of 13 parts (S3's ETag of a multipart object ends in -<parts>)
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'objects/big-1' }));
    expect(head.ContentLength).toBe(total);
    expect(head.ETag).toMatch(/-13"?$/);
    const back = createHash('sha256');
    for await (const c of await storage.get('big-1')) back.update(c as Buffer);
    expect(back.digest('hex')).toBe(put.sha256);
  }, 60000);

  it('reads byte ranges, within one part and across a part boundary', async () => {
    const bytes = randomBytes(PART + 200_000);
    await storage.put('ranged-1', Readable.from([bytes]), { maxBytes: 16 * MiB });

    expect((await readAll(await storage.get('ranged-1', { start: 1000, end: 1999 }))).equals(bytes.subarray(1000, 2000))).toBe(true);
    expect((await readAll(await storage.get('ranged-1', { start: PART - 10, end: PART + 9 }))).equals(bytes.subarray(PART - 10, PART + 10))).toBe(true);
    const last = bytes.length - 1;
    expect((await readAll(await storage.get('ranged-1', { start: last, end: last }))).equals(bytes.subarray(last))).toBe(true);
  });

  it('refuses a source past maxBytes after parts were sent: TooLargeError, no object, no pending multipart upload, the rest left to the caller', async () => {
    const src = randomSource(20 * MiB);

    await expect(storage.put('too-big-1', src.stream, { maxBytes: 12 * MiB })).rejects.toBeInstanceOf(TooLargeError);

    expect(await objectExists('objects/too-big-1')).toBe(false);
    expect(await pendingUploads()).toEqual([]);
    // the source was not destroyed: the caller can still drain it (a clean 413, not a reset)
    expect(src.stream.destroyed).toBe(false);
    const rest = await readAll(src.stream);
    expect(src.sent()).toBe(20 * MiB);
    expect(rest.length).toBeGreaterThan(0);
  });

  it('refuses a source past maxBytes within the first part: TooLargeError and nothing stored', async () => {
    await expect(storage.put('too-big-2', Readable.from([randomBytes(3000), randomBytes(3000)]), { head: randomBytes(100), maxBytes: 5000 }))
      .rejects.toBeInstanceOf(TooLargeError);
    expect(await objectExists('objects/too-big-2')).toBe(false);
    expect(await pendingUploads()).toEqual([]);
  });

  it('deletes idempotently, and reports an absent object as ENOENT', async () => {
    await storage.put('doomed-1', Readable.from([Buffer.from('bytes')]), { maxBytes: 100 });

    await storage.delete('doomed-1');
    await storage.delete('doomed-1');
    await storage.delete('never-was-1');

    expect(await objectExists('objects/doomed-1')).toBe(false);
    await expect(storage.get('doomed-1')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails clearly when the server refuses connections, naming the operation, the endpoint and the cause', async () => {
    const down = await closedPort();
    const gone = new S3Storage({ bucket, endpoint: `http://127.0.0.1:${down}`, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS, timeoutMs: 5000, partSize: PART, maxAttempts: 1 });
    try {
      const err = await gone.get('x-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(S3StorageError);
      expect((err as Error).message).toContain(`GetObject s3://${bucket}/x-1 at http://127.0.0.1:${down} failed`);
      expect((err as Error).message).toContain('ECONNREFUSED');
      await expect(gone.put('x-1', Readable.from([Buffer.from('abc')]), { maxBytes: 100 })).rejects.toThrow(/PutObject .*ECONNREFUSED/);
      await expect(gone.ready()).rejects.toThrow(/HeadBucket .*ECONNREFUSED/);
    } finally {
      await gone.close();
    }
  });

  it('gives up on a server that accepts connections but never answers, with a timeout error, not a hang', async () => {
    const silent = await silentServer();
    const mute = new S3Storage({ bucket, endpoint: `http://127.0.0.1:${silent.port}`, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS, timeoutMs: 1500, partSize: PART });
    try {
      await expect(mute.get('x-1')).rejects.toThrow(/GetObject .* failed: no answer within 1500 ms/);
      await expect(mute.delete('x-1')).rejects.toThrow(/DeleteObject .* failed: no answer within 1500 ms/);
      await expect(mute.put('x-1', Readable.from([Buffer.from('abc')]), { maxBytes: 100 })).rejects.toThrow(/PutObject .* failed: no answer within 1500 ms/);
    } finally {
      await mute.close();
      await silent.close();
    }
  }, 30000);

  it('refuses to boot on a bucket that does not exist, and on MEDIA_STORAGE=s3 without a bucket', async () => {
    const env = (extra: Record<string, string>): MediaEnv => loadConfig(MediaEnv, {
      INTERNAL_TOKEN: 'test-internal-token-0123456789', MEDIA_STORAGE: 's3', MEDIA_S3_ENDPOINT: ENDPOINT, MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, MEDIA_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, ...extra,
    });

    expect(() => env({})).toThrow(ConfigError);
    expect(() => env({})).toThrow(/MEDIA_S3_BUCKET/);
    await expect(openMediaStorage(env({ MEDIA_S3_BUCKET: `${bucket}-missing` }))).rejects.toBeInstanceOf(S3BucketMissingError);
    await expect(openMediaStorage(env({ MEDIA_S3_BUCKET: `${bucket}-missing` }))).rejects.toThrow(/MEDIA_S3_BUCKET: bucket ".*-missing" does not exist/);
  });

  describe('the media service with MEDIA_STORAGE=s3', () => {
    const s3Env = (extra: Record<string, string> = {}): Record<string, string> => ({
      MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: bucket, MEDIA_S3_ENDPOINT: ENDPOINT, MEDIA_S3_FORCE_PATH_STYLE: 'true', MEDIA_S3_PREFIX: 'service/',
      MEDIA_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, MEDIA_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, ...extra,
    });

    it('stores an upload in the bucket, serves it back (whole and by Range) and deletes it there', async () => {
      const h = await new MediaHarness().start(s3Env());
      try {
        const bytes = Buffer.alloc(300_000, 7);
        Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex').copy(bytes);
        randomBytes(200_000).copy(bytes, 1000);

        const up = await h.http('POST', '/v1/media?phoneNumberId=unannounced-s3', { tenant: 'tenant-s3', body: bytes, headers: { 'content-type': 'image/png' } });
        expect(up.status).toBe(201);
        expect(up.body).toMatchObject({ mimeType: 'image/png', size: bytes.length, sha256: sha(bytes) });
        expect(await objectExists(`service/${up.body.id}`)).toBe(true);

        const got = await h.http<Buffer>('GET', `/v1/media/${up.body.id}/content`, { tenant: 'tenant-s3', raw: true });
        expect(got.status).toBe(200);
        expect(got.body.equals(bytes)).toBe(true);
        const part = await h.http<Buffer>('GET', `/v1/media/${up.body.id}/content`, { tenant: 'tenant-s3', raw: true, headers: { range: 'bytes=1000-1999' } });
        expect(part.status).toBe(206);
        expect(part.body.equals(bytes.subarray(1000, 2000))).toBe(true);

        const ready = await h.http('GET', '/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body.checks).toMatchObject({ storage: 'ok' });

        expect((await h.http('DELETE', `/v1/media/${up.body.id}`, { tenant: 'tenant-s3' })).status).toBe(204);
        expect(await objectExists(`service/${up.body.id}`)).toBe(false);
      } finally {
        await h.stop();
      }
    }, 60000);

    it('uploads to the number\'s Graph from the bucket: the sandbox (Meta) holds the same bytes under the Meta id', async () => {
      const sandbox = await startSandbox([{ phoneNumberId: '106540352249001', wabaId: 'waba-s3', accessToken: 'tok-s3' }]);
      const h = await new MediaHarness().start(s3Env());
      try {
        await h.announceNumber({ phoneNumberId: '106540352249001', tenantId: 'tenant-s3', graphBaseUrl: sandbox.url, accessToken: 'tok-s3' });
        const bytes = Buffer.alloc(1_500_000, 9);
        Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex').copy(bytes);
        randomBytes(500_000).copy(bytes, 1000);
        const up = await h.http('POST', '/v1/media?phoneNumberId=106540352249001', { tenant: 'tenant-s3', body: bytes, headers: { 'content-type': 'image/png' } });
        expect(up.status).toBe(201);
        expect(up.body.metaMediaId).toEqual(expect.any(String));
        const auth = { authorization: 'Bearer tok-s3' };
        const info = (await (await fetch(`${sandbox.url}/v23.0/${up.body.metaMediaId}?phone_number_id=106540352249001`, { headers: auth })).json()) as { url: string; sha256: string; file_size: number | string };
        expect(info.sha256).toBe(sha(bytes));
        expect(Number(info.file_size)).toBe(bytes.length);
        const atMeta = Buffer.from(await (await fetch(info.url, { headers: auth })).arrayBuffer());
        expect(atMeta.equals(bytes)).toBe(true);
      } finally {
        await h.stop();
        await sandbox.close();
      }
    }, 60000);

    it('starts while the S3 server is unreachable and reports not ready instead of crashing', async () => {
      const h = await new MediaHarness().start(s3Env({ MEDIA_S3_ENDPOINT: `http://127.0.0.1:${await closedPort()}`, MEDIA_S3_TIMEOUT_MS: '1000' }));
      try {
        const ready = await h.http('GET', '/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.checks.storage).toMatch(/HeadBucket .*ECONNREFUSED/);
        expect(ready.body.checks.postgres).toBe('ok');
      } finally {
        await h.stop();
      }
    }, 60000);
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Accepts TCP connections and never answers. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
