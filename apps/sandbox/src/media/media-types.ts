import { MediaType } from '../graph/send-request.validator';

/** Meta's supported media types and size limits per kind (Cloud API media reference). */
const KINDS: { kind: MediaType; maxBytes: number; mimeTypes: string[] }[] = [
  { kind: 'audio', maxBytes: 16 * 1024 * 1024, mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'] },
  {
    kind: 'document',
    maxBytes: 100 * 1024 * 1024,
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
  },
  { kind: 'image', maxBytes: 5 * 1024 * 1024, mimeTypes: ['image/jpeg', 'image/png'] },
  // Animated stickers may be 500 KB, static ones 100 KB; the sandbox cannot tell them apart cheaply.
  { kind: 'sticker', maxBytes: 500 * 1024, mimeTypes: ['image/webp'] },
  { kind: 'video', maxBytes: 16 * 1024 * 1024, mimeTypes: ['video/3gpp', 'video/mp4'] },
];

export function allSupportedMimeTypes(): string[] {
  return KINDS.flatMap((k) => k.mimeTypes);
}

/** The media kind of a MIME type and its size limit, or undefined when Meta does not accept it. */
export function mediaKindOf(mimeType: string): { kind: MediaType; maxBytes: number } | undefined {
  const normalized = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  const found = KINDS.find((k) => k.mimeTypes.includes(normalized));
  return found ? { kind: found.kind, maxBytes: found.maxBytes } : undefined;
}

export function extensionOf(mimeType: string): string {
  const sub = mimeType.split('/')[1] ?? 'bin';
  return sub.replace(/[^a-z0-9]/gi, '').slice(0, 8) || 'bin';
}

/** Small valid files used when a simulated user sends media without uploading any. */
export function sampleMedia(kind: string): { mimeType: string; bytes: Buffer } {
  switch (kind) {
    case 'image':
      // 1×1 transparent PNG.
      return { mimeType: 'image/png', bytes: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64') };
    case 'sticker':
      return { mimeType: 'image/webp', bytes: Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64') };
    case 'audio':
      return { mimeType: 'audio/ogg', bytes: Buffer.from('OggS sandbox audio', 'latin1') };
    case 'video':
      return { mimeType: 'video/mp4', bytes: Buffer.from('\u0000\u0000\u0000\u0018ftypmp42 sandbox video', 'latin1') };
    default:
      return { mimeType: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n% sandbox document\n%%EOF\n', 'latin1') };
  }
}
