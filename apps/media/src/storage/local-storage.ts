import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { ByteRange, MediaStorage, PutOptions, PutResult, TooLargeError } from './media-storage';

const KEY = /^[A-Za-z0-9._-]{1,200}$/;

function write(ws: WriteStream, chunk: Buffer): Promise<void> {
  if (ws.write(chunk)) return Promise.resolve();
  return new Promise((resolveDrain, reject) => {
    const onDrain = (): void => { ws.off('error', onError); resolveDrain(); };
    const onError = (err: Error): void => { ws.off('drain', onDrain); reject(err); };
    ws.once('drain', onDrain);
    ws.once('error', onError);
  });
}

function finish(ws: WriteStream): Promise<void> {
  return new Promise((resolveEnd, reject) => {
    ws.once('error', reject);
    ws.end(() => resolveEnd());
  });
}

/**
 * Objects as files under one directory: written to `<key>.<random>.part` while hashed, fsynced,
 * then renamed to `<key>` (a crash leaves at most a `.part` file, never a truncated object).
 */
export class LocalFileStorage implements MediaStorage {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  localPath(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return join(this.dir, key);
  }

  async put(key: string, source: Readable, options: PutOptions): Promise<PutResult> {
    const target = this.localPath(key);
    const temp = `${target}.${randomBytes(6).toString('hex')}.part`;
    const hash = createHash('sha256');
    const ws = createWriteStream(temp, { flags: 'wx' });
    let size = 0;
    const take = async (chunk: Buffer): Promise<void> => {
      size += chunk.length;
      if (size > options.maxBytes) throw new TooLargeError(options.maxBytes);
      hash.update(chunk);
      await write(ws, chunk);
    };
    try {
      if (options.head && options.head.length > 0) await take(options.head);
      // destroyOnReturn false: on a refusal the caller drains the rest (a clean 413, not a reset)
      for await (const chunk of source.iterator({ destroyOnReturn: false })) await take(chunk as Buffer);
      await finish(ws);
      const fh = await open(temp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, target);
      return { size, sha256: hash.digest('hex') };
    } catch (err) {
      // destroyed while an fs write is in flight, the stream reports that write's
      // ERR_STREAM_DESTROYED as an 'error' event: without a listener it would be uncaught
      ws.on('error', () => undefined);
      ws.destroy();
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.localPath(key);
    // open first, so a missing object rejects here (ENOENT) rather than mid-response
    const fh = await open(path, 'r');
    return fh.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.localPath(key), { force: true });
  }
}
