import type { Readable } from 'node:stream';

const DISCARD_MAX_BYTES = 256 * 1024 * 1024;
const DISCARD_MAX_MS = 30_000;

/**
 * Reads and drops what is left of a refused body, bounded in bytes and time, so the client
 * reads our error instead of a reset (a socket closed while it still writes). false = the
 * bound was hit: answer with `Connection: close`.
 */
export async function discardRest(body: Readable): Promise<boolean> {
  if (body.readableEnded || body.destroyed) return true;
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), DISCARD_MAX_MS); });
  const drained = (async (): Promise<boolean> => {
    for await (const chunk of body.iterator({ destroyOnReturn: false })) {
      seen += (chunk as Buffer).length;
      if (seen > DISCARD_MAX_BYTES) return false;
    }
    return true;
  })().catch(() => false);
  try {
    return await Promise.race([drained, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads at least `bytes` from the start of a stream (less at its end), leaving the rest unread. */
export async function readHead(body: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (size >= bytes) return Buffer.alloc(0);
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= bytes) break;
  }
  return Buffer.concat(chunks);
}
