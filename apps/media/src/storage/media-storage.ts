import type { Readable } from 'node:stream';

/** Bytes [start, end] inclusive, as in an HTTP Range. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutResult {
  size: number;
  /** Hex sha256 of the bytes written. */
  sha256: string;
}

/** The source would exceed `maxBytes`: nothing is kept, and the caller still owns the unread rest. */
export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
  }
}

export interface PutOptions {
  /** Refuse (TooLargeError) as soon as more bytes than this arrive. */
  maxBytes: number;
  /** Bytes already read from the source (the sniffed head), written first. */
  head?: Buffer;
}

/**
 * Where media bytes live. `put` streams (never buffers the whole object), hashes while writing
 * and makes the object visible only once complete; it does not destroy `source` on failure.
 */
export interface MediaStorage {
  put(key: string, source: Readable, options: PutOptions): Promise<PutResult>;
  /** The object (or one range of it); rejects with code ENOENT when it is absent. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** The file path of an object, when the storage is local (for file-backed uploads to Graph). */
  localPath?(key: string): string;
  delete(key: string): Promise<void>;
  /** Resolves when a remote storage answers (`/health/ready`); absent for local storage. */
  ready?(): Promise<void>;
  /** Releases connections at shutdown. */
  close?(): Promise<void>;
}

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');
