import { INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';
import { injectTraceHeaders } from '@wabridge/telemetry';

/** The internal service could not be asked: unreachable, or no answer within the deadline. */
export class InternalCallFailed extends Error {
  constructor(readonly timedOut: boolean, cause: unknown) {
    super(timedOut ? 'internal service timed out' : 'internal service unreachable', { cause });
    this.name = 'InternalCallFailed';
  }
}

/**
 * One call of the gateway to an internal service on a send's path (media resolve, the contacts
 * window): tenant header, internal token, trace context, a deadline; the whole answer read as
 * text. Failing to reach it is InternalCallFailed; each caller turns that into its 503/504.
 */
export async function callInternal(
  baseUrl: string,
  path: string,
  o: { tenantId: string; internalToken: string; timeoutMs: number; method?: 'GET' | 'POST'; json?: unknown },
): Promise<{ res: Response; text: string }> {
  const headers: Record<string, string> = { accept: 'application/json', [INTERNAL_TOKEN_HEADER]: o.internalToken, [TENANT_HEADER]: o.tenantId };
  if (o.json !== undefined) headers['content-type'] = 'application/json';
  injectTraceHeaders(headers);
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
      method: o.method ?? 'GET', headers, body: o.json === undefined ? undefined : JSON.stringify(o.json), signal: AbortSignal.timeout(o.timeoutMs),
    });
    return { res, text: await res.text() };
  } catch (err) {
    throw new InternalCallFailed((err as Error).name === 'TimeoutError', err);
  }
}
