import { signWebhookBody } from '@wabridge/meta';

export interface PostResult {
  status: number;
  body: string;
}

/** POSTs a webhook body signed as Meta would (HMAC-SHA256 of these exact bytes). */
export async function postSignedWebhook(url: string, raw: Buffer, appSecret: string | null, extraHeaders: Record<string, string> = {}): Promise<PostResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (appSecret !== null) headers['x-hub-signature-256'] = signWebhookBody(raw, appSecret);
  Object.assign(headers, extraHeaders);
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: res.status, body: await res.text() };
}
