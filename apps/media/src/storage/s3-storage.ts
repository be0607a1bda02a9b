import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { ByteRange, MediaStorage, PutOptions, PutResult, TooLargeError } from './media-storage';

const KEY = /^[A-Za-z0-9._-]{1,200}$/;
const MiB = 1024 * 1024;
/** S3's smallest part (every part but the last). */
export const MIN_PART_BYTES = 5 * MiB;
/**
 * Parts uploaded at once per object: two, so the client's bytes keep flowing while a part goes
 * to S3. One upload then holds a few parts in memory whatever the object's size (the two in
 * flight, the one being assembled and its copy: measured +20-40 MB of buffers with 5 MB parts;
 * +15 MB with one part at a time, which pauses the client during each part's send).
 */
const QUEUE_SIZE = 2;

export interface S3StorageOptions {
  bucket: string;
  /** Prepended to every key (e.g. `media/`); empty for none. */
  prefix?: string;
  /** S3 API endpoint (MinIO, R2, Ceph, S3Proxy…); unset = AWS's endpoint for the region. */
  endpoint?: string;
  region: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key` (MinIO, Ceph, S3Proxy). */
  forcePathStyle: boolean;
  /** Static credentials; unset = the SDK's default chain (env, profile, web identity, IMDS…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Longest one S3 request may take until its answer starts (connect, send, wait), and longest a
   * socket may stay idle while a body streams; also bounds each single call (head, get, delete)
   * with its retries.
   */
  timeoutMs: number;
  /** Bytes per multipart part (at least 5 MiB). */
  partSize: number;
  /** Attempts per request (the SDK retries throttling, 5xx and network errors). */
  maxAttempts?: number;
}

/** An S3 call failed: names the operation, the object and why (no SDK internals to grep). */
export class S3StorageError extends Error {
  constructor(
    readonly operation: string,
    readonly target: string,
    readonly reason: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`S3 ${operation} ${target} failed: ${reason}`, options);
    this.name = 'S3StorageError';
  }
}

/** The upload ended (failed) while the source was still being fed to it. */
class UploadStopped extends Error {}

/** The bucket named in MEDIA_S3_BUCKET does not exist at the endpoint (a configuration error). */
export class S3BucketMissingError extends Error {
  constructor(readonly bucket: string, endpoint: string) {
    super(`MEDIA_S3_BUCKET: bucket "${bucket}" does not exist at ${endpoint} (create it, or fix MEDIA_S3_BUCKET / MEDIA_S3_ENDPOINT / MEDIA_S3_REGION)`);
    this.name = 'S3BucketMissingError';
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function reasonOf(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'AbortError' || err.name === 'TimeoutError' || (err as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      return `no answer within ${timeoutMs} ms (${err.message})`;
    }
    if (err instanceof S3ServiceException) return `${err.name} (HTTP ${err.$metadata.httpStatusCode ?? '?'}): ${err.message}`;
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message || err.name;
  }
  return String(err);
}

/**
 * Objects in one S3-compatible bucket (ADR 0107). `put` streams through a multipart upload
 * (bounded parts and queue, hashed and counted on the way); past `maxBytes`, or on any failure,
 * the multipart upload is aborted before `put` rejects, so no object and no parts remain.
 * Objects under 1 part are one PutObject, which S3 makes visible only once complete.
 */
export class S3Storage implements MediaStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly where: string;
  private readonly log = new Logger('S3Storage');

  constructor(private readonly options: S3StorageOptions) {
    if (options.partSize < MIN_PART_BYTES) throw new Error(`part size ${options.partSize} is below S3's minimum of ${MIN_PART_BYTES} bytes`);
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.where = options.endpoint ?? `AWS S3 (${options.region})`;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 3,
      // Only the checksums an operation requires: the SDK's default CRC32 headers and aws-chunked
      // trailers are refused or mishandled by several S3-compatible servers (ADR 0107). The
      // content's sha256 is ours, computed while streaming.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: Math.min(options.timeoutMs, 10000),
        // until the answer's headers (covers sending a part), thrown, not merely logged
        requestTimeout: options.timeoutMs,
        throwOnRequestTimeout: true,
        // a stalled socket while a body streams in either direction
        socketTimeout: options.timeoutMs,
      },
    });
  }

  /** For boot: fails when the bucket does not exist; any other problem is left to readiness. */
  async init(): Promise<{ reachable: boolean; problem?: string }> {
    try {
      await this.headBucket();
      return { reachable: true };
    } catch (err) {
      if (err instanceof S3StorageError && err.status === 404) throw new S3BucketMissingError(this.bucket, this.where);
      return { reachable: false, problem: (err as Error).message };
    }
  }

  /** Readiness: the bucket answers with these credentials (HeadBucket needs s3:ListBucket). */
  async ready(): Promise<void> {
    await this.headBucket();
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The object key in the bucket (prefix + our key). */
  objectKey(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return `${this.prefix}${key}`;
  }

  async put(key: string, source: Readable, options: PutOptions): Promise<PutResult> {
    const Key = this.objectKey(key);
    const hash = createHash('sha256');
    let size = 0;
    // The upload pulls parts from `body`; our loop below pushes the source into it, so the
    // source is read only as fast as parts are sent (backpressure end to end).
    const body = new PassThrough({ highWaterMark: 64 * 1024 });
    body.on('error', () => undefined); // reported through the upload's reader, which fails with it
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: body },
      partSize: this.options.partSize,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // Never `upload.abort()`: its done() rejects at once while the AbortMultipartUpload is still
    // to come. Failing the body instead makes done() settle only after the parts are aborted.
    let uploadSettled = false;
    let wake: (() => void) | undefined;
    const uploaded = upload.done().finally(() => {
      uploadSettled = true;
      wake?.(); // a feed waiting for 'drain' that will never come
    });
    uploaded.catch(() => undefined); // awaited below; the feed loop may still be running when it fails

    const take = async (chunk: Buffer): Promise<void> => {
      size += chunk.length;
      if (size > options.maxBytes) throw new TooLargeError(options.maxBytes);
      hash.update(chunk);
      if (!body.write(chunk)) {
        let onDrain: (() => void) | undefined;
        await new Promise<void>((resolveDrain) => {
          onDrain = resolveDrain;
          wake = resolveDrain;
          body.once('drain', resolveDrain);
        });
        if (onDrain) body.off('drain', onDrain);
        wake = undefined;
      }
      if (uploadSettled) throw new UploadStopped();
    };
    let stopped: unknown;
    try {
      if (options.head && options.head.length > 0) await take(options.head);
      // destroyOnReturn false: on a refusal the caller drains the rest (a clean 413, not a reset)
      for await (const chunk of source.iterator({ destroyOnReturn: false })) await take(chunk as Buffer);
      body.end();
    } catch (err) {
      stopped = err;
      body.destroy(err instanceof Error ? err : new Error(String(err)));
    }
    try {
      await uploaded;
    } catch (err) {
      if (stopped instanceof TooLargeError && err !== stopped) {
        // the parts could not be aborted: a bucket lifecycle rule has to collect them (deploy notes)
        this.log.warn(`${this.target(Key)}: aborting the refused multipart upload failed: ${reasonOf(err, this.options.timeoutMs)}`);
      }
      // Why we stopped feeding (too large, the client went away) says more than the upload's echo of it.
      if (stopped !== undefined && !(stopped instanceof UploadStopped)) throw stopped;
      throw this.failure('PutObject', Key, err);
    }
    if (stopped !== undefined) throw stopped; // not reached: a failed body fails the upload
    return { size, sha256: hash.digest('hex') };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const Key = this.objectKey(key);
    // Bounded until the answer starts; after that the socket's idle timeout guards the stream
    // (an overall deadline would cut a long download to a slow client).
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.options.timeoutMs);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        { abortSignal: ac.signal },
      );
      if (!(res.Body instanceof Readable)) throw new S3StorageError('GetObject', this.target(Key), 'the answer has no streamable body');
      return res.Body;
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)) {
        // the interface's contract: an absent object is ENOENT, as for a file
        throw Object.assign(new Error(`no object ${this.target(Key)}`), { code: 'ENOENT' });
      }
      throw this.failure('GetObject', Key, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Idempotent: S3 answers 204 for an absent key as for a present one. */
  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (err) {
      if (statusOf(err) === 404) return; // a server that says NoSuchKey: already gone
      throw this.failure('DeleteObject', Key, err);
    }
  }

  private async headBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (err) {
      const status = statusOf(err);
      // HEAD answers carry no error body: name the usual causes
      const reason = status === 404 ? 'the bucket does not exist'
        : status === 403 ? 'access denied (wrong credentials, or they lack s3:ListBucket on the bucket)'
        : reasonOf(err, this.options.timeoutMs);
      throw new S3StorageError('HeadBucket', `bucket ${this.bucket} at ${this.where}`, reason, status, { cause: err });
    }
  }

  private target(Key: string): string {
    return `s3://${this.bucket}/${Key} at ${this.where}`;
  }

  private failure(operation: string, Key: string, err: unknown): S3StorageError {
    if (err instanceof S3StorageError) return err;
    return new S3StorageError(operation, this.target(Key), reasonOf(err, this.options.timeoutMs), statusOf(err), { cause: err });
  }
}
