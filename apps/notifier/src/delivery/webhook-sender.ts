import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { CheckedTarget, pinnedLookup } from '@wabridge/http';
import { untraced } from '@wabridge/telemetry';

export interface AttemptResult {
  ok: boolean;
  statusCode?: number;
  latencyMs: number;
  error?: string;
}

const MAX_ERROR_BODY = 512;
/** Connections per pool (origin and checked address), as the node:http agent's maxSockets before. */
const POOL_CONNECTIONS = 64;
/** A pool unused this long is closed (a host name whose address changed, an endpoint gone). */
const POOL_IDLE_MS = 5 * 60_000;

interface Base {
  key: string;
  origin: string;
  path: string;
  target: CheckedTarget;
}

interface PoolEntry {
  pool: Pool;
  lastUsedMs: number;
}

/**
 * One POST to a checked target: connects to the address the SSRF guard checked (a `lookup`
 * that answers with it; no second DNS resolution), never follows redirects (a 3xx fails the
 * attempt), and gives up after `timeoutMs` in total.
 *
 * undici pools, one per origin and checked address, with keep-alive connections (ADR 0217):
 * about half the CPU of a node:http `ClientRequest` per POST, which was about a quarter of the
 * notifier's CPU per delivery. Each POST runs outside any trace (`untraced`, also for the API's
 * test send): the undici instrumentation ignores it, no span and no `traceparent` reach the
 * tenant; webhook POSTs are measured by the notifier's metrics instead (ADR 0098).
 */
export class WebhookSender {
  private readonly pools = new Map<string, PoolEntry>();
  /** The request options that depend on the target only, per checked target (the worker reuses checked IP targets). */
  private readonly bases = new WeakMap<CheckedTarget, Base>();
  private lastSweepMs = 0;
  private closed = false;

  constructor(private readonly timeoutMs: number) {}

  private base(target: CheckedTarget): Base {
    let b = this.bases.get(target);
    if (!b) {
      const origin = target.url.origin;
      b = { key: `${origin}|${target.address}`, origin, path: `${target.url.pathname}${target.url.search}`, target };
      this.bases.set(target, b);
    }
    return b;
  }

  private pool(b: Base, nowMs: number): Pool {
    let entry = this.pools.get(b.key);
    if (!entry) {
      // the connection goes to the checked address whatever DNS says now (TLS still verifies the host name)
      const pool = new Pool(b.origin, { connections: POOL_CONNECTIONS, connect: { lookup: pinnedLookup(b.target) } });
      entry = { pool, lastUsedMs: nowMs };
      this.pools.set(b.key, entry);
    }
    entry.lastUsedMs = nowMs;
    if (nowMs - this.lastSweepMs > 60_000) this.sweep(nowMs);
    return entry.pool;
  }

  private sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    for (const [key, entry] of this.pools) {
      if (nowMs - entry.lastUsedMs > POOL_IDLE_MS) {
        this.pools.delete(key);
        void entry.pool.close().catch(() => undefined);
      }
    }
  }

  /** `headers` is the caller's own object: the content headers are added to it (no copy per request). */
  async post(target: CheckedTarget, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    if (this.closed) return { ok: false, latencyMs: 0, error: 'the notifier is shutting down' };
    const b = this.base(target);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
    headers['user-agent'] = 'Wabridge-Webhooks/1';
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    const latency = (): number => Math.round(performance.now() - started);
    try {
      const pool = this.pool(b, Date.now());
      const res = await untraced(() => pool.request({ path: b.path, method: 'POST', headers, body, signal: abort.signal }));
      const status = res.statusCode;
      if (status >= 200 && status < 300) {
        // a success's body is not read, only drained (the connection goes back to the pool)
        await res.body.dump();
        return { ok: true, statusCode: status, latencyMs: latency() };
      }
      const text = await readSome(res.body, MAX_ERROR_BODY);
      if (status >= 300 && status < 400) {
        const location = res.headers.location;
        return { ok: false, statusCode: status, latencyMs: latency(), error: `redirect to ${(Array.isArray(location) ? location[0] : location) ?? '?'} not followed` };
      }
      return { ok: false, statusCode: status, latencyMs: latency(), error: `HTTP ${status}${text ? `: ${text}` : ''}` };
    } catch (err) {
      const reason = abort.signal.aborted ? abort.signal.reason : err;
      return { ok: false, latencyMs: latency(), error: reason instanceof Error ? reason.message : String(reason) };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.closed = true;
    for (const entry of this.pools.values()) void entry.pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}

/** At most `max` characters of a body, decoded as UTF-8 across chunks; the rest is not read. */
async function readSome(body: Readable, max: number): Promise<string> {
  let text = '';
  body.setEncoding('utf8');
  for await (const chunk of body as AsyncIterable<string>) {
    text += chunk;
    // leaving the loop destroys the body (the connection is closed instead of drained)
    if (text.length >= max) break;
  }
  return text.slice(0, max);
}
