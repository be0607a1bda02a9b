import { createHash } from 'node:crypto';
import { Clock } from '../common/clock';

export interface StoredMedia {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
  createdAt: number;
}

/**
 * Uploaded and simulated-inbound media, in memory, bounded by total bytes: the oldest items
 * are evicted to make room (a media id that was evicted answers like a deleted one).
 */
export class MediaStore {
  private readonly items = new Map<string, StoredMedia>();
  private totalBytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxBytes: number,
  ) {}

  get bytesUsed(): number {
    return this.totalBytes;
  }

  get count(): number {
    return this.items.size;
  }

  put(id: string, phoneNumberId: string, mimeType: string, bytes: Buffer): StoredMedia {
    if (bytes.length > this.maxBytes) throw new RangeError(`media of ${bytes.length} bytes exceeds the store (${this.maxBytes})`);
    this.delete(id);
    // Each pass removes one item, so this ends after at most `items.size` passes.
    while (this.totalBytes + bytes.length > this.maxBytes) {
      const oldest = this.items.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    const media: StoredMedia = {
      id,
      phoneNumberId,
      mimeType,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      createdAt: this.clock.now(),
    };
    this.items.set(id, media);
    this.totalBytes += bytes.length;
    return media;
  }

  get(id: string): StoredMedia | undefined {
    return this.items.get(id);
  }

  delete(id: string): boolean {
    const existing = this.items.get(id);
    if (!existing) return false;
    this.items.delete(id);
    this.totalBytes -= existing.bytes.length;
    return true;
  }
}
