import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MediaEnv } from '../media.env';
import { KnownNumber } from '../numbers/numbers.repository';
import { LocalFileStorage } from '../storage/local-storage';
import { MediaFetchError } from './fetch-failure';
import { InboundMediaFetcher } from './inbound-media.fetcher';
import { InboundJob } from './inbound-media.repository';
import { Download, MetaMediaClient, RetrievedMedia } from './meta-media.client';

const BYTES = Buffer.from('\x89PNG\r\n\x1a\n some image bytes', 'latin1');
const SHA = createHash('sha256').update(BYTES).digest('hex');
const NUMBER = { phoneNumberId: 'pn-1' } as KnownNumber;
const job = (over: Partial<InboundJob> = {}): InboundJob => ({
  tenantId: 't-1', metaMediaId: 'm-1', id: '01JTESTINBOUNDMEDIA0000001', phoneNumberId: 'pn-1', wamid: 'wamid.1', messageType: 'image', filename: null, attempts: 0, ...over,
});

/** Graph as a script: each retrieve/download answers the next scripted step. */
class ScriptedGraph {
  retrieves = 0;
  downloads: string[] = [];
  constructor(private readonly steps: { retrieve?: () => RetrievedMedia; download: (url: string) => Download }) {}
  client(): MetaMediaClient {
    return {
      retrieve: async () => {
        this.retrieves++;
        return this.steps.retrieve?.() ?? { url: `https://lookaside.test/${this.retrieves}`, mimeType: 'image/png', sha256: SHA, fileSize: BYTES.length };
      },
      download: async (_n: KnownNumber, url: string) => {
        this.downloads.push(url);
        return this.steps.download(url);
      },
    } as unknown as MetaMediaClient;
  }
}

describe('InboundMediaFetcher.round', () => {
  let dir: string;
  let storage: LocalFileStorage;
  const env = Object.assign(new MediaEnv(), { MEDIA_INBOUND_RETRY_BASE_MS: 1 });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inbound-fetcher-'));
    storage = new LocalFileStorage(dir);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces an expired download URL with a fresh one from Graph and stores the bytes', async () => {
    const graph = new ScriptedGraph({
      download: (url) => {
        if (url.endsWith('/1')) throw new MediaFetchError('url_expired', 'the media download URL answered 404');
        return { body: Readable.from([BYTES.subarray(0, 5), BYTES.subarray(5)]), length: BYTES.length };
      },
    });
    const outcome = await new InboundMediaFetcher(graph.client(), env, storage).round(job(), NUMBER, 3);
    expect(outcome).toEqual({ kind: 'stored', mimeType: 'image/png', size: BYTES.length, sha256: SHA });
    expect(graph.downloads).toEqual(['https://lookaside.test/1', 'https://lookaside.test/2']);
    expect(await readFile(join(dir, job().id))).toEqual(BYTES);
  });

  it('gives up with sha256_mismatch when the bytes never match Meta\'s sha256, leaving no object behind', async () => {
    const graph = new ScriptedGraph({ download: () => ({ body: Readable.from([Buffer.from('not the image')]) }) });
    const outcome = await new InboundMediaFetcher(graph.client(), env, storage).round(job(), NUMBER, 3);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'sha256_mismatch' });
    expect(graph.downloads).toHaveLength(3);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an object over WhatsApp\'s limit for the message type without downloading it', async () => {
    const graph = new ScriptedGraph({
      retrieve: () => ({ url: 'https://lookaside.test/big', mimeType: 'image/webp', sha256: SHA, fileSize: 600 * 1024 }),
      download: () => ({ body: Readable.from([BYTES]) }),
    });
    const outcome = await new InboundMediaFetcher(graph.client(), env, storage).round(job({ messageType: 'sticker' }), NUMBER, 3);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'too_large' });
    expect(graph.downloads).toEqual([]);
  });

  it('stops a download that outgrows the limit while streaming (Meta announced less), keeping nothing', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const graph = new ScriptedGraph({ download: () => ({ body: Readable.from(Array.from({ length: 10 }, () => chunk)) }) });
    const outcome = await new InboundMediaFetcher(graph.client(), env, storage).round(job({ messageType: 'sticker' }), NUMBER, 3);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'too_large' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('asks for another round after transient failures, with the last error', async () => {
    const graph = new ScriptedGraph({ download: () => { throw new MediaFetchError('transient', 'the media download URL answered 503'); } });
    const outcome = await new InboundMediaFetcher(graph.client(), env, storage).round(job(), NUMBER, 2);
    expect(outcome).toEqual({ kind: 'retry', message: 'the media download URL answered 503' });
    expect(graph.retrieves).toBe(2);
  });
});
