import http from 'node:http';
import https from 'node:https';
import { CheckedTarget, pinnedLookup } from '@wabridge/http';

export interface AttemptResult {
  ok: boolean;
  statusCode?: number;
  latencyMs: number;
  error?: string;
}

const MAX_ERROR_BODY = 512;

interface Base {
  protocol: string;
  hostname: string;
  port: string | number;
  path: string;
  lookup: ReturnType<typeof pinnedLookup>;
  agent: http.Agent;
}

/**
 * One POST to a checked target: connects to the address the SSRF guard checked (a `lookup`
 * that answers with it; no second DNS resolution), never follows redirects (a 3xx fails the
 * attempt), and gives up after `timeoutMs` in total. Keep-alive agents are shared.
 *
 * The request is a `ClientRequest` constructed here, not `http.request`/`https.request` (which
 * only construct one): OpenTelemetry's http instrumentation wraps those, and even for a request
 * it then ignores it parses the options into a URL first; webhook POSTs are not traced (no span,
 * no `traceparent` to the tenant) and are measured by the notifier's metrics instead (ADR 0098).
 */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  /** The request options that depend on the target only, per checked target (the worker reuses checked IP targets). */
  private readonly bases = new WeakMap<CheckedTarget, Base>();

  constructor(private readonly timeoutMs: number) {}

  private base(target: CheckedTarget): Base {
    let b = this.bases.get(target);
    if (!b) {
      const secure = target.url.protocol === 'https:';
      b = {
        protocol: target.url.protocol, hostname: target.url.hostname.replace(/^\[|\]$/g, ''), port: target.url.port || (secure ? 443 : 80),
        path: `${target.url.pathname}${target.url.search}`, lookup: pinnedLookup(target), agent: secure ? this.httpsAgent : this.httpAgent,
      };
      this.bases.set(target, b);
    }
    return b;
  }

  /** `headers` is the caller's own object: the content headers are added to it (no copy per request). */
  post(target: CheckedTarget, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const b = this.base(target);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
    headers['user-agent'] = 'Wabridge-Webhooks/1';
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const done = (r: Omit<AttemptResult, 'latencyMs'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, latencyMs: Math.round(performance.now() - started) });
      };
      const req = new http.ClientRequest(
        { protocol: b.protocol, hostname: b.hostname, port: b.port, path: b.path, method: 'POST', lookup: b.lookup, agent: b.agent, headers },
        (res) => {
          const status = res.statusCode ?? 0;
          res.on('error', (err) => done({ ok: false, statusCode: status, error: err.message }));
          if (status >= 200 && status < 300) {
            // a success's body is not read, only drained (the socket goes back to the pool at its end)
            res.on('end', () => done({ ok: true, statusCode: status }));
            res.resume();
            return;
          }
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < MAX_ERROR_BODY) text += chunk;
          });
          res.on('end', () => {
            if (status >= 300 && status < 400) done({ ok: false, statusCode: status, error: `redirect to ${res.headers.location ?? '?'} not followed` });
            else done({ ok: false, statusCode: status, error: `HTTP ${status}${text ? `: ${text.slice(0, MAX_ERROR_BODY)}` : ''}` });
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      req.on('error', (err) => done({ ok: false, error: err.message }));
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
