/**
 * Sends for the load generator, to the gateway's tenant API (`POST /v1/messages`, DESIGN.md
 * §12) or straight to a Cloud API (`POST /{version}/{phone-number-id}/messages`, e.g. the
 * sandbox), spread over `recipients` users.
 */
export interface SendTarget {
  kind: 'gateway' | 'graph';
  url: string;
  /** Gateway API key or Graph access token. */
  credential: string;
  phoneNumberId: string;
  graphVersion: string;
  recipients: number;
  /** First recipient; recipient i is `firstRecipient + (i mod recipients)`. */
  firstRecipient: number;
  messageType: 'text' | 'template';
}

export function recipientFor(target: SendTarget, i: number): string {
  return String(target.firstRecipient + (i % Math.max(1, target.recipients)));
}

export function sendBody(target: SendTarget, runId: string, i: number): Record<string, unknown> {
  const to = recipientFor(target, i);
  const content = target.messageType === 'template' ? { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } : { type: 'text', text: { body: `load ${runId} #${i}` } };
  if (target.kind === 'gateway') return { phoneNumberId: target.phoneNumberId, to, ...content, metadata: { loadgen: runId } };
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...content, biz_opaque_callback_data: `loadgen:${runId}:${i}` };
}

/** The HTTP status, with the error code for failures (`400:130429`), so reports show Meta's codes. */
export async function postSend(target: SendTarget, runId: string, i: number, timeoutMs: number): Promise<string> {
  const url = target.kind === 'gateway' ? `${target.url}/v1/messages` : `${target.url}/${target.graphVersion}/${target.phoneNumberId}/messages`;
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${target.credential}` };
  if (target.kind === 'gateway') headers['idempotency-key'] = `loadgen-${runId}-${i}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(sendBody(target, runId, i)), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text().catch(() => '');
  if (res.status < 400) return String(res.status);
  return `${res.status}:${errorCode(text)}`;
}

function errorCode(text: string): string {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'number' || typeof code === 'string' ? String(code) : 'unknown';
  } catch {
    return 'unknown';
  }
}
