import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry } from '@wabridge/telemetry';
import { MEDIA_STORAGE, MediaStorage } from './media-storage';

/** Reports a remote storage (S3) in `/health/ready` and releases its connections at shutdown. */
@Injectable()
export class StorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MEDIA_STORAGE) private readonly storage: MediaStorage, health: HealthRegistry) {
    const ready = storage.ready?.bind(storage);
    if (ready) health.register('storage', ready);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close?.();
  }
}
