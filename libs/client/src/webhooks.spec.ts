import { createHmac, randomBytes } from 'node:crypto';
import { isWebhookEvent, signWebhook, verifyWebhook, WebhookVerificationError, WEBHOOK_EVENT_TYPES } from './index';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const now = Date.parse('2026-12-06T10:00:00Z');
const ts = Math.floor(now / 1000);
const body = JSON.stringify({
  type: 'message.received', timestamp: '2026-12-06T09:59:59.000Z',
  data: { tenantId: 't', phoneNumberId: '1', wabaId: 'w', wamid: 'wamid.A', from: { waId: '4915112345678', profileName: 'Ada' }, message: { type: 'text', text: { body: 'Hello ✓' } } },
});

/** The signature exactly as docs/notifier.md describes it, computed independently of the client. */
function documented(id: string, timestamp: number, raw: string, key = secret): string {
  const bytes = Buffer.from(key.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', bytes).update(`${id}.${timestamp}.${raw}`).digest('base64')}`;
}
const headers = (over: Record<string, string> = {}) => ({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': documented('evt_1', ts, body), ...over });
const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.reason;
    throw err;
  }
  return 'verified';
};

describe('verifyWebhook (Standard Webhooks, docs/notifier.md)', () => {
  it('accepts a delivery signed as documented and returns the typed event', () => {
    const event = verifyWebhook(secret, headers(), body, { now: () => now });
    expect(event.type).toBe('message.received');
    if (!isWebhookEvent(event, 'message.received')) throw new Error('narrowing');
    expect(event.data.from.profileName).toBe('Ada'); // typed: data.from exists on message.received only
    expect(event.data.message).toMatchObject({ type: 'text', text: { body: 'Hello ✓' } });
  });

  it('accepts the raw bytes as a Buffer, a Headers object, and any of two signatures (secret rotation)', () => {
    const old = `whsec_${randomBytes(24).toString('base64')}`;
    const h = new Headers(headers({ 'webhook-signature': `${documented('evt_1', ts, body, old)} ${documented('evt_1', ts, body)}` }));
    expect(verifyWebhook(secret, h, Buffer.from(body, 'utf8'), { now: () => now }).type).toBe('message.received');
    expect(verifyWebhook([old], h, body, { now: () => now }).type).toBe('message.received');
  });

  it('refuses a tampered body', () => {
    expect(reason(() => verifyWebhook(secret, headers(), body.replace('Hello', 'Hallo'), { now: () => now }))).toBe('invalid_signature');
    expect(reason(() => verifyWebhook(secret, headers(), `${body} `, { now: () => now }))).toBe('invalid_signature');
  });

  it('refuses another id, another timestamp, another secret and a signature of another scheme', () => {
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-id': 'evt_2' }), body, { now: () => now }))).toBe('invalid_signature');
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-timestamp': String(ts - 1) }), body, { now: () => now }))).toBe('invalid_signature');
    expect(reason(() => verifyWebhook(`whsec_${randomBytes(24).toString('base64')}`, headers(), body, { now: () => now }))).toBe('invalid_signature');
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-signature': headers()['webhook-signature'].replace('v1,', 'v1a,') }), body, { now: () => now }))).toBe('invalid_signature');
  });

  it('refuses a correctly signed delivery whose timestamp is older (or newer) than the tolerance', () => {
    const old = ts - 301;
    const signedOld = headers({ 'webhook-timestamp': String(old), 'webhook-signature': documented('evt_1', old, body) });
    expect(reason(() => verifyWebhook(secret, signedOld, body, { now: () => now }))).toBe('timestamp_out_of_tolerance');
    expect(reason(() => verifyWebhook(secret, signedOld, body, { now: () => now, toleranceSeconds: 600 }))).toBe('verified');
    const future = ts + 301;
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-timestamp': String(future), 'webhook-signature': documented('evt_1', future, body) }), body, { now: () => now }))).toBe('timestamp_out_of_tolerance');
    const edge = ts - 300;
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-timestamp': String(edge), 'webhook-signature': documented('evt_1', edge, body) }), body, { now: () => now }))).toBe('verified');
  });

  it('refuses missing headers, a timestamp that is not unix seconds, and a signed body that is not an event', () => {
    const { 'webhook-signature': _s, ...unsigned } = headers();
    expect(reason(() => verifyWebhook(secret, unsigned, body, { now: () => now }))).toBe('missing_header');
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-timestamp': '2026-12-06T10:00:00Z' }), body, { now: () => now }))).toBe('invalid_timestamp');
    const notEvent = '{"hello":"world"}';
    expect(reason(() => verifyWebhook(secret, headers({ 'webhook-signature': documented('evt_1', ts, notEvent) }), notEvent, { now: () => now }))).toBe('invalid_body');
  });

  it('signWebhook gives the documented signature', () => {
    expect(signWebhook(secret, 'evt_9', ts, body)).toBe(documented('evt_9', ts, body));
  });

  it('knows every public event type of the notifier', () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual(
      ['account.alert', 'contact.changed', 'message.accepted', 'message.dead_lettered', 'message.failed', 'message.received', 'message.rejected', 'message.retry_scheduled', 'message.status', 'number.changed', 'template.status'],
    );
  });
});
