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

  constructor(private readonly timeoutMs: number) {}

  post(target: CheckedTarget, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const lookup = pinnedLookup(target);
    const secure = target.url.protocol === 'https:';
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const done = (r: Omit<AttemptResult, 'latencyMs'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, latencyMs: Math.round(performance.now() - started) });
      };
      const req = new http.ClientRequest(
        {
          protocol: target.url.protocol, hostname: target.url.hostname.replace(/^\[|\]$/g, ''), port: target.url.port || (secure ? 443 : 80),
          path: `${target.url.pathname}${target.url.search}`, method: 'POST', lookup, agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Wabridge-Webhooks/1' },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < MAX_ERROR_BODY) text += chunk;
          });
          res.on('end', () => {
            if (status >= 200 && status < 300) done({ ok: true, statusCode: status });
            else if (status >= 300 && status < 400) done({ ok: false, statusCode: status, error: `redirect to ${res.headers.location ?? '?'} not followed` });
            else done({ ok: false, statusCode: status, error: `HTTP ${status}${text ? `: ${text.slice(0, MAX_ERROR_BODY)}` : ''}` });
          });
          res.on('error', (err) => done({ ok: false, statusCode: status, error: err.message }));
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
