import { ApiError, INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';
import { injectTraceHeaders } from '@wabridge/telemetry';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { NormalizedSend } from './send-request';

const RETRY_AFTER_SECONDS = 5;

/**
 * The request-time window rule of a scheduled free-form send (issue 20, ADR 0150 §5 as amended):
 * a message other than a template may only be sent while the contact's 24 h customer-service
 * window is open, so one scheduled for a time at which the window (as the contacts service knows
 * it now) will be closed is refused. Null when allowed; the error otherwise. A contact never seen
 * (no window) is refused too. A later inbound message could reopen the window, but the client can
 * schedule again then; the dispatcher still judges the rule at send time.
 */
export function windowProblem(sendAt: string, windowOpenUntil: string | null): ApiError | null {
  const at = Date.parse(sendAt);
  const until = windowOpenUntil === null ? NaN : Date.parse(windowOpenUntil);
  if (Number.isFinite(until) && until > at) return null;
  const why = windowOpenUntil === null
    ? 'the contact has no open 24 h customer-service window (no message from them within 24 h)'
    : `the contact's 24 h customer-service window closes at ${windowOpenUntil}, before sendAt`;
  return new ApiError(400, 'outside_window_at_send_time',
    `${why}: a free-form message cannot be sent at ${sendAt}; send a template, or schedule it before the window closes`,
    { sendAt, windowOpenUntil });
}

/**
 * Asks the contacts service (`GET /v1/contacts?phoneNumberId&waId|userId`, internal token, tenant
 * header) when the recipient's window closes. The service unreachable or too slow is 503/504 with
 * Retry-After (nothing is accepted), never a 500.
 */
export class ContactWindowClient {
  constructor(private readonly env: ResolvedGatewayEnv) {}

  async windowOpenUntil(tenantId: string, send: NormalizedSend): Promise<string | null> {
    const q = new URLSearchParams({ phoneNumberId: send.phoneNumberId, limit: '1' });
    if (send.to) q.set('waId', send.to);
    else if (send.recipient) q.set('userId', send.recipient);
    const headers: Record<string, string> = { accept: 'application/json', [INTERNAL_TOKEN_HEADER]: this.env.INTERNAL_TOKEN, [TENANT_HEADER]: tenantId };
    injectTraceHeaders(headers);
    const timeoutMs = this.env.FORWARD_TIMEOUT_MS;
    let res: Response;
    let body: { data?: { windowOpenUntil?: string | null }[] } | undefined;
    try {
      res = await fetch(`${this.env.CONTACTS_URL.replace(/\/+$/, '')}/v1/contacts?${q.toString()}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
      body = res.ok ? ((await res.json()) as typeof body) : (await res.text(), undefined);
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new ApiError(
        timedOut ? 504 : 503,
        timedOut ? 'contacts_timeout' : 'contacts_unavailable',
        timedOut
          ? `the contacts service did not answer within ${timeoutMs} ms, so the 24 h window at sendAt cannot be checked; retry`
          : 'the contacts service is unreachable, so the 24 h window at sendAt cannot be checked; retry shortly',
        undefined,
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
    if (!res.ok || !Array.isArray(body?.data)) {
      throw new ApiError(503, 'contacts_unavailable', `the contacts service answered ${res.status} checking the 24 h window at sendAt; retry shortly`, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    return body.data[0]?.windowOpenUntil ?? null;
  }
}
