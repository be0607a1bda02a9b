import type { Readable } from 'node:stream';

/** At most this much of an abandoned upload is read and dropped before answering. */
const DISCARD_MAX_BYTES = 256 * 1024 * 1024;
const DISCARD_MAX_MS = 30_000;

/**
 * Reads and drops what is left of a request body a handler stopped reading (a record too large,
 * a refused media type), so the answer reaches the caller on a clean connection: closing a
 * socket with unread bytes resets it, and a caller still writing (the gateway forwarding an
 * upload) may then see the reset instead of the 413 and answer 502. Bounded in bytes and time;
 * false when it gave up (answer with `Connection: close` then). Read loops over such a body
 * must not destroy it on early exit: `body.iterator({ destroyOnReturn: false })`.
 */
export async function discardRest(body: Readable, maxBytes = DISCARD_MAX_BYTES, maxMs = DISCARD_MAX_MS): Promise<boolean> {
  if (body.readableEnded || body.destroyed) return true;
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), maxMs); });
  const drained = (async (): Promise<boolean> => {
    for await (const chunk of body.iterator({ destroyOnReturn: false })) {
      seen += (chunk as Buffer).length;
      if (seen > maxBytes) return false;
    }
    return true;
  })().catch(() => false);
  try {
    return await Promise.race([drained, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
