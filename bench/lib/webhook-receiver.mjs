// A local webhook receiver for benches (in the bench process): node:http, answers 200 as soon as
// the body has arrived, and records each delivery's arrival time, headers and raw body so the
// bench can compute rates and latencies and verify the Standard-Webhooks signatures afterwards
// (off the clock: verifying does not slow the answer).
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `startWebhookReceiver()` → { url, received: [{at, id, timestamp, signature, body}], reset(), close() }.
 * `at` is Date.now() when the 200 was written (epoch ms, comparable with Kafka timestamps).
 */
export async function startWebhookReceiver({ path = '/hooks' } = {}) {
  let received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' }).end();
      received.push({
        at: Date.now(),
        id: req.headers['webhook-id'],
        timestamp: req.headers['webhook-timestamp'],
        signature: req.headers['webhook-signature'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
  server.keepAliveTimeout = 65000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}${path}`,
    get received() {
      return received;
    },
    /** Starts a new phase: returns what was recorded and forgets it. */
    reset() {
      const old = received;
      received = [];
      return old;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, key = base64 after `whsec_`. */
export function webhookSignature(secret, id, timestamp, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** True when one of the space-separated signatures of a recorded delivery is valid for `secret`. */
export function verifyDelivery(secret, d) {
  if (typeof d.signature !== 'string' || !d.id || !d.timestamp) return false;
  const expected = Buffer.from(webhookSignature(secret, d.id, d.timestamp, d.body).slice(3), 'base64');
  return d.signature.split(' ').some((s) => {
    const sig = Buffer.from(s.split(',')[1] ?? '', 'base64');
    return sig.length === expected.length && timingSafeEqual(sig, expected);
  });
}
