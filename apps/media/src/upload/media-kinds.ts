import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { mediaTypeOf } from '@wabridge/http';

const MB = 1024 * 1024;
const KB = 1024;

export type MediaKind = 'image' | 'sticker' | 'audio' | 'video' | 'document';

/** Meta's accepted types and size limits (Cloud API "Supported media types"). */
const KINDS: Record<string, { kind: MediaKind; maxBytes: number }> = {
  'image/jpeg': { kind: 'image', maxBytes: 5 * MB },
  'image/png': { kind: 'image', maxBytes: 5 * MB },
  // webp is a sticker: 100 KB static, 500 KB animated (see limitFor)
  'image/webp': { kind: 'sticker', maxBytes: 100 * KB },
  'audio/aac': { kind: 'audio', maxBytes: 16 * MB },
  'audio/amr': { kind: 'audio', maxBytes: 16 * MB },
  'audio/mpeg': { kind: 'audio', maxBytes: 16 * MB },
  'audio/mp4': { kind: 'audio', maxBytes: 16 * MB },
  'audio/ogg': { kind: 'audio', maxBytes: 16 * MB },
  'video/mp4': { kind: 'video', maxBytes: 16 * MB },
  'video/3gpp': { kind: 'video', maxBytes: 16 * MB },
  'text/plain': { kind: 'document', maxBytes: 100 * MB },
  'application/pdf': { kind: 'document', maxBytes: 100 * MB },
  'application/msword': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.ms-excel': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.ms-powerpoint': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', maxBytes: 100 * MB },
};

export const SUPPORTED_MIME_TYPES = Object.keys(KINDS);

/** The WhatsApp kind a stored type is sent as (undefined for a type not on Meta's list). */
export function kindOfMimeType(mimeType: string): MediaKind | undefined {
  return KINDS[mimeType]?.kind;
}

/** The types a send of `kind` takes (documents: every document type). */
export function mimeTypesOfKind(kind: MediaKind): string[] {
  return SUPPORTED_MIME_TYPES.filter((m) => KINDS[m]?.kind === kind);
}
/** The largest object any kind admits (the multipart file limit sits just above it). */
export const MAX_MEDIA_BYTES = 100 * MB;
/** Bytes read before sniffing (file-type's recommended sample size). */
export const SNIFF_BYTES = 4100;

/** What file-type names differently from Meta's list. */
const ALIASES: Record<string, string> = {
  'audio/x-m4a': 'audio/mp4',
  'audio/opus': 'audio/ogg',
  'audio/x-aac': 'audio/aac',
  'audio/amr-wb': 'audio/amr',
  'video/3gpp2': 'video/3gpp',
};

/** Old Office files are one compound-file container; the declared type tells which. */
const CFB_TYPES = ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'];

interface FileTypeModule {
  fileTypeFromBuffer(bytes: Uint8Array): Promise<{ ext: string; mime: string } | undefined>;
}

let fileTypeModule: Promise<FileTypeModule> | undefined;

/** Jest's CommonJS registry cannot load ESM: import the package file through Node's own loader. */
async function importOutsideRegistry(): Promise<FileTypeModule> {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'node_modules', 'file-type', 'index.js');
    if (existsSync(candidate)) {
      const load = new vm.Script('(specifier) => import(specifier)', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER })
        .runInThisContext() as (specifier: string) => Promise<FileTypeModule>;
      return load(pathToFileURL(candidate).href);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('file-type is not installed');
    dir = parent;
  }
}

/**
 * file-type 21 is ESM-only. Compiled to CommonJS, `import()` becomes `require()`, which Node
 * ≥ 20.19 resolves through the package's `module-sync` export (ADR 0101). Under Jest that
 * require fails (its registry cannot load ESM) and the same file is imported by Node's loader.
 */
function fileType(): Promise<FileTypeModule> {
  fileTypeModule ??= (import('file-type' as string) as Promise<FileTypeModule>).catch(() => importOutsideRegistry());
  return fileTypeModule;
}

export interface Sniffed {
  mimeType: string;
  kind: MediaKind;
  maxBytes: number;
}

/** Refusal of a type: what the bytes are, and what is accepted. */
export class UnsupportedTypeError extends Error {
  constructor(readonly detected: string | undefined, readonly declared: string | undefined) {
    super(
      `the file's content is ${detected ?? 'of no recognized type'}${declared ? ` (declared ${declared})` : ''}; ` +
        `accepted: ${SUPPORTED_MIME_TYPES.join(', ')} (the type is read from the bytes, not the name or Content-Type)`,
    );
  }
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  if (head.includes(0)) return false;
  // valid UTF-8 except possibly a sequence cut at the end of the sample
  const text = head.toString('utf8');
  const bad = text.slice(0, Math.max(0, text.length - 3)).includes('\uFFFD');
  return !bad;
}

function isAnimatedWebp(head: Buffer): boolean {
  // RIFF....WEBPVP8X, flags byte at 20: bit 1 = animation
  return head.length > 20 && head.toString('latin1', 12, 16) === 'VP8X' && ((head[20] ?? 0) & 0x02) !== 0;
}

/** The media type of an object from its first bytes, checked against Meta's list; throws UnsupportedTypeError. */
export async function sniff(head: Buffer, declared?: string): Promise<Sniffed> {
  const declaredType = mediaTypeOf(declared) || undefined;
  const found = await (await fileType()).fileTypeFromBuffer(head);
  let mime = found ? (found.mime.split(';')[0]?.trim().toLowerCase() ?? found.mime) : undefined;
  if (mime) mime = ALIASES[mime] ?? mime;
  if (mime === 'application/x-cfb' && declaredType && CFB_TYPES.includes(declaredType)) mime = declaredType;
  if (!found && looksLikeText(head) && (declaredType === undefined || declaredType === 'text/plain' || declaredType === 'application/octet-stream')) mime = 'text/plain';
  const entry = mime ? KINDS[mime] : undefined;
  if (!mime || !entry) throw new UnsupportedTypeError(mime, declaredType);
  const maxBytes = mime === 'image/webp' && isAnimatedWebp(head) ? 500 * KB : entry.maxBytes;
  return { mimeType: mime, kind: entry.kind, maxBytes };
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'audio/aac': 'aac', 'audio/amr': 'amr', 'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a', 'audio/ogg': 'ogg', 'video/mp4': 'mp4', 'video/3gpp': '3gp', 'text/plain': 'txt', 'application/pdf': 'pdf',
  'application/msword': 'doc', 'application/vnd.ms-excel': 'xls', 'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

export function extensionOf(mimeType: string): string {
  return EXTENSIONS[mimeType] ?? 'bin';
}

/** The largest object WhatsApp admits for a kind (a sticker: the animated limit); inbound media knows its kind from the message type. */
export function maxBytesOfKind(kind: MediaKind): number {
  if (kind === 'sticker') return 500 * KB;
  return Math.max(...Object.values(KINDS).filter((k) => k.kind === kind).map((k) => k.maxBytes));
}
