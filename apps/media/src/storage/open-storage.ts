import { Logger } from '@nestjs/common';
import { MediaEnv } from '../media.env';
import { LocalFileStorage } from './local-storage';
import { MediaStorage } from './media-storage';
import type { S3StorageOptions } from './s3-storage';

const MiB = 1024 * 1024;

/** The S3 storage's settings from the env (MEDIA_S3_*). */
export function s3OptionsFrom(env: MediaEnv): S3StorageOptions {
  if (!env.MEDIA_S3_BUCKET) throw new Error('MEDIA_S3_BUCKET must be set when MEDIA_STORAGE=s3');
  return {
    bucket: env.MEDIA_S3_BUCKET,
    prefix: env.MEDIA_S3_PREFIX,
    endpoint: env.MEDIA_S3_ENDPOINT?.replace(/\/$/, ''),
    region: env.MEDIA_S3_REGION,
    forcePathStyle: env.MEDIA_S3_FORCE_PATH_STYLE,
    credentials: env.MEDIA_S3_ACCESS_KEY_ID && env.MEDIA_S3_SECRET_ACCESS_KEY
      ? { accessKeyId: env.MEDIA_S3_ACCESS_KEY_ID, secretAccessKey: env.MEDIA_S3_SECRET_ACCESS_KEY }
      : undefined,
    timeoutMs: env.MEDIA_S3_TIMEOUT_MS,
    partSize: env.MEDIA_S3_PART_SIZE_MB * MiB,
  };
}

/**
 * The storage MEDIA_STORAGE names, ready to use. An s3 bucket that does not exist stops the boot
 * (a configuration error); an unreachable one does not: `/health/ready` reports it until it answers.
 */
export async function openMediaStorage(env: MediaEnv): Promise<MediaStorage> {
  if (env.MEDIA_STORAGE === 's3') {
    // Loaded only here: the AWS SDK is ~1 MB of modules a local-storage service never runs (ADR 0146).
    const { S3Storage } = await import('./s3-storage');
    const s3 = new S3Storage(s3OptionsFrom(env));
    const state = await s3.init();
    if (!state.reachable) new Logger('MediaStorage').warn(`starting without the S3 bucket (readiness fails until it answers): ${state.problem}`);
    return s3;
  }
  const local = new LocalFileStorage(env.MEDIA_STORAGE_DIR);
  await local.init();
  return local;
}
