import { ApiError } from '@wabridge/http';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { NormalizedSend } from './send-request';
import { callInternal, InternalCallFailed } from './internal-call';

/** Our media ids (ULIDs), as `POST /v1/media` returns them. Meta's are numeric. */
export const OUR_MEDIA_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaKind = (typeof MEDIA_KINDS)[number];

/** What a send names that only the media service can turn into a Meta media id, and where. */
export interface MediaReference {
  kind: MediaKind;
  id?: string;
  link?: string;
  /** The path of the media object in the send's message (`['image']`, or a template parameter's). */
  at: (string | number)[];
}

const RETRY_AFTER_SECONDS = 5;

function referenceAt(media: unknown, kind: MediaKind, at: (string | number)[]): MediaReference | undefined {
  const m = media as { id?: unknown; link?: unknown } | undefined;
  if (typeof m?.link === 'string') return { kind, link: m.link, at };
  if (typeof m?.id === 'string' && OUR_MEDIA_ID.test(m.id)) return { kind, id: m.id, at };
  return undefined;
}

/**
 * The media objects of a send that must be resolved before it is accepted: our media id, or a
 * link (fetched by the media service, SSRF-guarded) — the message's own media, and the media
 * parameters of a template (header image, video or document). A Meta id, and every send without
 * media, needs nothing: no call is made for them.
 */
export function mediaReferencesOf(send: NormalizedSend): MediaReference[] {
  const out: MediaReference[] = [];
  const kind = MEDIA_KINDS.find((k) => k === send.type);
  if (kind) {
    const ref = referenceAt(send.message[kind], kind, [kind]);
    if (ref) out.push(ref);
  }
  const components = (send.message['template'] as { components?: unknown } | undefined)?.components;
  if (send.type === 'template' && Array.isArray(components)) {
    components.forEach((component: { parameters?: unknown }, c) => {
      if (!Array.isArray(component?.parameters)) return;
      component.parameters.forEach((parameter: Record<string, unknown>, p) => {
        const pkind = (['image', 'video', 'document'] as const).find((k) => k === parameter?.['type']);
        const ref = pkind && referenceAt(parameter[pkind], pkind, ['template', 'components', c, 'parameters', p, pkind]);
        if (ref) out.push(ref);
      });
    });
  }
  return out;
}

/** The send's message with Meta's ids in place of what the client named (caption, filename kept; link dropped). */
export function withMetaMediaIds(message: Record<string, unknown>, resolved: { ref: MediaReference; metaMediaId: string }[]): Record<string, unknown> {
  const copy = structuredClone(message);
  for (const { ref, metaMediaId } of resolved) {
    let parent = copy as Record<string | number, unknown>;
    for (const step of ref.at.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = ref.at[ref.at.length - 1]!;
    const { link: _link, id: _id, ...rest } = parent[last] as Record<string, unknown>;
    parent[last] = { id: metaMediaId, ...rest };
  }
  return copy;
}

/**
 * Asks the media service (`POST /internal/v1/media/resolve`, internal token, tenant header) for
 * the Meta media id a send must carry, within its own deadline (longer for links). The media
 * service's refusals come back as they are (404, 400 media_url_refused, 413, 415, 502); the
 * service unreachable or too slow is 503/504 with Retry-After, never a 500 (ADR 0111).
 */
export class MediaResolver {
  constructor(private readonly env: ResolvedGatewayEnv) {}

  async resolve(tenantId: string, phoneNumberId: string, ref: MediaReference, sendAt?: string): Promise<string> {
    const timeoutMs = ref.link !== undefined ? this.env.MEDIA_RESOLVE_LINK_TIMEOUT_MS : this.env.MEDIA_RESOLVE_TIMEOUT_MS;
    let res: Response;
    let text: string;
    try {
      ({ res, text } = await callInternal(this.env.MEDIA_URL, '/internal/v1/media/resolve', {
        tenantId, internalToken: this.env.INTERNAL_TOKEN, timeoutMs, method: 'POST',
        json: { phoneNumberId, kind: ref.kind, id: ref.id, link: ref.link, ...(sendAt ? { sendAt } : {}) },
      }));
    } catch (err) {
      if (!(err instanceof InternalCallFailed)) throw err;
      throw new ApiError(
        err.timedOut ? 504 : 503,
        err.timedOut ? 'media_timeout' : 'media_unavailable',
        err.timedOut
          ? `the media service did not resolve the message's media within ${timeoutMs} ms; retry with the same Idempotency-Key`
          : 'the media service is unreachable, so the media of this message cannot be checked; retry shortly',
        undefined,
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
    let body: { metaMediaId?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok && typeof body?.metaMediaId === 'string') return body.metaMediaId;
    const error = body?.error;
    if (res.status >= 400 && res.status < 500 && typeof error?.code === 'string' && typeof error.message === 'string') {
      throw new ApiError(res.status, error.code, error.message, error.details);
    }
    if (res.status === 502 && typeof error?.code === 'string' && typeof error.message === 'string') throw new ApiError(502, error.code, error.message, error.details);
    if (res.status === 503) {
      const message = typeof error?.message === 'string' ? error.message : 'the media service is unavailable';
      throw new ApiError(503, 'media_unavailable', message, undefined, { 'retry-after': res.headers.get('retry-after') ?? String(RETRY_AFTER_SECONDS) });
    }
    throw new ApiError(502, 'media_error', `the media service answered ${res.status} resolving the message's media`);
  }
}
