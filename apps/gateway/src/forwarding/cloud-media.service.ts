import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@wabridge/http';
import { RegistryService } from '../accounts/registry.service';
import { Principal } from '../auth/principal';
import { ForwardingService } from './forwarding.service';

/** Meta's answer to `GET /{version}/{media-id}` (file_size is a string in Meta's spec). */
export interface CloudMediaView {
  messaging_product: 'whatsapp';
  url: string;
  mime_type: string;
  sha256: string;
  file_size: string;
  id: string;
}

/** The media service's view of one object (`GET /v1/media/:id`), the fields used here. */
interface MediaRecord {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/** The media service answers small JSON; anything larger is not an answer we understand. */
const MAX_ANSWER_BYTES = 64 * 1024;

async function readAnswer(res: Response): Promise<unknown> {
  if (!res.body) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      await res.body.cancel().catch(() => undefined);
      throw new ApiError(502, 'upstream_invalid', 'the media service answered with an oversized body');
    }
    chunks.push(Buffer.from(chunk));
  }
  try {
    return size === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The media service's refusal as an ApiError (its code, message and details kept). */
function upstreamError(res: Response, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof e?.code === 'string' ? e.code : 'upstream_error';
  const message = typeof e?.message === 'string' ? e.message : `the media service answered ${res.status}`;
  // a 2xx/3xx we did not expect is the service misbehaving, not the client's fault
  return new ApiError(res.status >= 400 ? res.status : 502, code, message, e?.details);
}

function isMediaRecord(v: unknown): v is MediaRecord {
  const r = v as Partial<MediaRecord> | undefined;
  return typeof r?.id === 'string' && typeof r.phoneNumberId === 'string' && typeof r.mimeType === 'string' && typeof r.size === 'number' && typeof r.sha256 === 'string';
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Where the client reached us: its Host, and `X-Forwarded-Proto` when a TLS-terminating proxy
 * set it (the URL goes back only to the caller who sent these headers; ADR 0106).
 */
export function publicOrigin(req: FastifyRequest): string {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim().toLowerCase();
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : req.protocol;
  const host = req.headers.host;
  if (!host || !HOST.test(host)) throw ApiError.badRequest('the Host header is missing or not a host name');
  return `${proto}://${host}`;
}

/**
 * Meta's media endpoints over our media service (ADR 0105): the upload streams through the
 * forwarder (upload cap and deadline, confined path) to `POST /v1/media`, and every answer is
 * reshaped into Meta's. Ids are our media ids, which sends may name as `image.id` etc.
 */
@Injectable()
export class CloudMediaService {
  constructor(
    private readonly forwarding: ForwardingService,
    private readonly registry: RegistryService,
  ) {}

  /** `{id}` of the stored media; undefined when the request deadline has already answered. */
  async upload(principal: Principal, phoneNumberId: string, req: FastifyRequest, reply: FastifyReply): Promise<{ id: string } | undefined> {
    if (!(await this.registry.findTenantNumber(principal.tenantId, phoneNumberId))) throw ApiError.notFound(`phone number ${phoneNumberId}`);
    const res = await this.forwarding.call('media', principal, req, reply, { method: 'POST', path: `/v1/media?phoneNumberId=${phoneNumberId}`, upload: true, body: true });
    if (!res) return undefined;
    const body = await readAnswer(res);
    if (res.status !== 201) throw upstreamError(res, body);
    const id = (body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') throw new ApiError(502, 'upstream_invalid', 'the media service answered without a media id');
    return { id };
  }

  async retrieve(principal: Principal, mediaId: string, phoneNumberId: string | undefined, req: FastifyRequest, reply: FastifyReply): Promise<CloudMediaView | undefined> {
    const media = await this.find(principal, mediaId, phoneNumberId, req, reply);
    if (!media) return undefined;
    return {
      messaging_product: 'whatsapp',
      // served by the gateway's forwarded content route: Bearer (the API key) and Range, as Meta's URL needs the token
      url: `${publicOrigin(req)}/v1/media/${media.id}/content`,
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: String(media.size),
      id: media.id,
    };
  }

  async remove(principal: Principal, mediaId: string, phoneNumberId: string | undefined, req: FastifyRequest, reply: FastifyReply): Promise<{ success: true } | undefined> {
    if (phoneNumberId !== undefined && !(await this.find(principal, mediaId, phoneNumberId, req, reply))) return undefined;
    const res = await this.forwarding.call('media', principal, req, reply, { method: 'DELETE', path: `/v1/media/${mediaId}`, upload: false, body: false });
    if (!res) return undefined;
    if (res.status !== 204 && res.status !== 200) throw upstreamError(res, await readAnswer(res));
    await res.body?.cancel().catch(() => undefined);
    return { success: true };
  }

  /** The tenant's media (404 otherwise), also 404 when `phoneNumberId` is given and is not its number (Meta's check). */
  private async find(principal: Principal, mediaId: string, phoneNumberId: string | undefined, req: FastifyRequest, reply: FastifyReply): Promise<MediaRecord | undefined> {
    const res = await this.forwarding.call('media', principal, req, reply, { method: 'GET', path: `/v1/media/${mediaId}`, upload: false, body: false });
    if (!res) return undefined;
    const body = await readAnswer(res);
    if (res.status !== 200) throw upstreamError(res, body);
    if (!isMediaRecord(body)) throw new ApiError(502, 'upstream_invalid', 'the media service answered an unexpected shape');
    if (phoneNumberId !== undefined && body.phoneNumberId !== phoneNumberId) throw ApiError.notFound(`media ${mediaId}`);
    return body;
  }
}
