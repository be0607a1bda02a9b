import type { Readable } from 'node:stream';

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
