import { Inject, Injectable } from '@nestjs/common';
import { MEDIA_STORAGE, MediaStorage } from '../storage/media-storage';
import { RetentionRepository, StoredObject } from './retention.repository';

export type { StoredObject } from './retention.repository';

/** Storage deletes in flight at once (S3: one request each). */
const DELETE_CONCURRENCY = 8;

/**
 * Removes stored objects of one tenant: the bytes first, then the rows (ADR 0112). A crash in
 * between leaves rows whose bytes are gone — `GET …/content` answers 410 `media_gone`, never a
 * 500 — and the next run (retention at boot, or the redelivered erasure) selects the same rows
 * again: deleting absent bytes succeeds (both storages are idempotent), so it finishes. The
 * other order would leave bytes no row points to, which nothing would ever find again: personal
 * data kept past an erasure.
 */
@Injectable()
export class ObjectRemover {
  constructor(
    private readonly repo: RetentionRepository,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {}

  /**
   * Deletes the objects' bytes, then the rows of those whose bytes went (`media`, its
   * `inbound_media` state, and by cascade its `media_meta_ids`). Rejects after that if a bytes
   * delete failed (storage unreachable): those rows stay for the next run.
   */
  async remove(tenantId: string, objects: StoredObject[]): Promise<{ objects: number; bytes: number }> {
    const gone: StoredObject[] = [];
    let firstError: unknown;
    for (let i = 0; i < objects.length; i += DELETE_CONCURRENCY) {
      const batch = objects.slice(i, i + DELETE_CONCURRENCY);
      const results = await Promise.allSettled(batch.map((o) => this.storage.delete(o.storageKey)));
      results.forEach((r, j) => {
        if (r.status === 'fulfilled') gone.push(batch[j]!);
        else firstError ??= r.reason;
      });
    }
    const removed = gone.length > 0 ? await this.repo.removeObjects(tenantId, gone.map((o) => o.id)) : [];
    if (firstError !== undefined) {
      const cause = firstError instanceof Error ? firstError.message : String(firstError);
      throw new Error(`${objects.length - gone.length} of ${objects.length} objects of tenant ${tenantId} kept: their bytes could not be deleted: ${cause}`);
    }
    return { objects: removed.length, bytes: removed.reduce((sum, r) => sum + r.size, 0) };
  }
}
