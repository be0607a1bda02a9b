// A tiny webhook receiver for the local stack: `npm start` registers it for the tenant `local`
// so a newcomer sees what the notifier delivers (DESIGN §12 deliveries, Standard Webhooks
// signatures). It verifies each signature, prints one line per event and answers 204 (401 to a
// bad signature, so a wrong secret shows up as retries in the notifier's delivery log).
//
// Standalone: WEBHOOK_SECRET=whsec_… node scripts/lib/local-receiver.mjs [port]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const TOLERANCE_S = 5 * 60;

/**
 * Whether `webhook-signature` (space-separated `v1,<base64>` entries: during a rotation both
 * secrets sign) holds a valid signature of `<id>.<timestamp>.<body>` under `secret`.
 */
export function verifySignature(secret, headers, body, nowS = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!secret || !id || !timestamp || !signatures) return { ok: false, why: 'missing webhook-id/-timestamp/-signature or no secret' };
  if (Math.abs(nowS - Number(timestamp)) > TOLERANCE_S) return { ok: false, why: `timestamp ${timestamp} is more than 5 min away` };
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  for (const entry of String(signatures).split(' ')) {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || !sig) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, why: 'no signature matches the secret' };
}

/** One line about an event: type, number, who wrote / which status, the text. */
export function describeEvent(event) {
  const d = event?.data ?? {};
  const parts = [String(event?.type ?? '?').padEnd(17), d.phoneNumberId ?? '-'];
  if (d.from) parts.push(`from ${d.from.waId ?? d.from.userId ?? d.from.username ?? '?'}${d.from.profileName ? ` (${d.from.profileName})` : ''}`);
  const to = typeof d.recipient === 'string' ? d.recipient : d.recipient?.waId ?? d.recipient?.userId;
  if (d.status) parts.push(`${d.status}${to ? ` to ${to}` : ''}`);
  else if (to) parts.push(`to ${to}`);
  const m = d.message;
  if (m?.type === 'text' && m.text?.body !== undefined) parts.push(JSON.stringify(m.text.body));
  else if (m?.type) parts.push(`[${m.type}]`);
  if (d.messageId ?? d.wamid) parts.push(`id ${d.messageId ?? d.wamid}`);
  if (Array.isArray(d.errors) && d.errors.length > 0) parts.push(`error ${d.errors.map((e) => e.code).join(',')}`);
  if (d.error) parts.push(`error ${d.error.class}${d.error.code ? ` ${d.error.code}` : ''}: ${d.error.message}`);
  return parts.join('  ');
}

/**
 * Starts the receiver on 127.0.0.1:`port`. `secret()` is read per request, so the secret can be
 * set once the endpoint is registered (the notifier shows it only at creation).
 */
export function startLocalReceiver({ port, secret, log = console.log }) {
  const seen = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = verifySignature(secret(), req.headers, body);
      if (!check.ok) {
        log(`[receiver] refused a delivery (401): ${check.why}`);
        res.writeHead(401).end();
        return;
      }
      let event;
      try {
        event = JSON.parse(body);
      } catch {
        log('[receiver] refused a delivery (400): the body is not JSON');
        res.writeHead(400).end();
        return;
      }
      // Deliveries are at least once: the event id (webhook-id) tells a redelivery apart.
      const id = String(req.headers['webhook-id']);
      const again = seen.has(id);
      seen.add(id);
      log(`[receiver] ✓ signed  ${describeEvent(event)}${again ? '  (again)' : ''}`);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/webhooks` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.argv[2] ?? process.env.RECEIVER_PORT ?? 3199);
  const { url } = await startLocalReceiver({ port, secret: () => process.env.WEBHOOK_SECRET });
  console.log(`local receiver at ${url}${process.env.WEBHOOK_SECRET ? '' : ' (no WEBHOOK_SECRET: every delivery is refused)'}`);
}
