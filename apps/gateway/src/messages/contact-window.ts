import { ApiError } from '@wabridge/http';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { callInternal, InternalCallFailed } from './internal-call';
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
    const timeoutMs = this.env.FORWARD_TIMEOUT_MS;
    let res: Response;
    let body: { data?: { windowOpenUntil?: string | null }[] } | undefined;
    try {
      const answer = await callInternal(this.env.CONTACTS_URL, `/v1/contacts?${q.toString()}`, { tenantId, internalToken: this.env.INTERNAL_TOKEN, timeoutMs });
      res = answer.res;
      body = res.ok ? (parseJson(answer.text) as typeof body) : undefined;
    } catch (err) {
      if (!(err instanceof InternalCallFailed)) throw err;
      throw new ApiError(
        err.timedOut ? 504 : 503,
        err.timedOut ? 'contacts_timeout' : 'contacts_unavailable',
        err.timedOut
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

/** A body that is not JSON is no answer (the caller's 503), not a crash. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
