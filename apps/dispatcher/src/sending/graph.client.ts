import { GraphError, parseGraphError } from '../errors/meta-error-taxonomy';

export type GraphResult =
  | { ok: true; wamid: string; httpStatus: number }
  | { ok: false; error: GraphError & { outcomeUnknown?: boolean } };

export interface GraphSendInput {
  baseUrl: string;
  version: string;
  phoneNumberId: string;
  accessToken: string;
  body: Record<string, unknown>;
}

/** Errors that prove the request never reached Meta (safe to resend at once). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * POST /{version}/{phone-number-id}/messages with a timeout. Node's fetch (undici) keeps
 * connections alive per origin. A timeout or a broken connection after the request went out
 * leaves the outcome unknown: the caller reconciles instead of resending blindly.
 */
export class GraphClient {
  constructor(private readonly timeoutMs: number) {}

  async send(i: GraphSendInput): Promise<GraphResult> {
    const url = `${i.baseUrl.replace(/\/$/, '')}/${i.version}/${i.phoneNumberId}/messages`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${i.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(i.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const code = e.cause?.code;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      return {
        ok: false,
        error: {
          class: 'transient', message: timedOut ? `Graph call timed out after ${this.timeoutMs} ms` : `Graph call failed: ${code ?? e.message}`,
          httpStatus: 0, outcomeUnknown: !(code && NOT_SENT.has(code)),
        },
      };
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    if (res.ok) {
      const wamid = (body as { messages?: { id?: string }[] } | null)?.messages?.[0]?.id;
      if (typeof wamid === 'string') return { ok: true, wamid, httpStatus: res.status };
      return { ok: false, error: { class: 'transient', message: 'Graph answered 2xx without messages[0].id', httpStatus: res.status, outcomeUnknown: true } };
    }
    return { ok: false, error: parseGraphError(res.status, body) };
  }
}

