import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
 * POST /{version}/{phone-number-id}/messages with a timeout, over keep-alive agents (node:http
 * has far less per-request overhead than fetch at thousands of sends per second). A timeout or
 * a broken connection after the request went out leaves the outcome unknown: the caller
 * reconciles instead of resending blindly.
 */
export class GraphClient {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });

  constructor(private readonly timeoutMs: number) {}

  async send(i: GraphSendInput): Promise<GraphResult> {
    const url = new URL(`${i.baseUrl.replace(/\/$/, '')}/${i.version}/${i.phoneNumberId}/messages`);
    const payload = Buffer.from(JSON.stringify(i.body), 'utf8');
    let res: { status: number; text: string };
    try {
      res = await this.post(url, payload, i.accessToken);
    } catch (err) {
      const e = err as Error & { code?: string };
      const timedOut = e.name === 'TimeoutError';
      return {
        ok: false,
        error: {
          class: 'transient', message: timedOut ? `Graph call timed out after ${this.timeoutMs} ms` : `Graph call failed: ${e.code ?? e.message}`,
          httpStatus: 0, outcomeUnknown: !(e.code && NOT_SENT.has(e.code)),
        },
      };
    }
    let body: unknown = res.text;
    try {
      body = JSON.parse(res.text);
    } catch {
      /* not JSON: keep the text */
    }
    if (res.status >= 200 && res.status < 300) {
      const wamid = (body as { messages?: { id?: string }[] } | null)?.messages?.[0]?.id;
      if (typeof wamid === 'string') return { ok: true, wamid, httpStatus: res.status };
      return { ok: false, error: { class: 'transient', message: 'Graph answered 2xx without messages[0].id', httpStatus: res.status, outcomeUnknown: true } };
    }
    return { ok: false, error: parseGraphError(res.status, body) };
  }

  private post(url: URL, payload: Buffer, token: string): Promise<{ status: number; text: string }> {
    const isHttps = url.protocol === 'https:';
    const requestFn = isHttps ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = requestFn(url, {
        method: 'POST',
        agent: isHttps ? this.https : this.http,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': payload.length },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      const timer = setTimeout(() => {
        const err = new Error('timeout');
        err.name = 'TimeoutError';
        req.destroy(err);
      }, this.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
