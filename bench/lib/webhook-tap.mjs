// A recording pass-through between a webhook sender (the sandbox as Meta) and its receiver
// (ingress): each POST is forwarded unchanged (raw bytes and headers, so the signature still
// matches) and the receiver's answer returned; when its body has fully arrived, every status
// in it (`entry[].changes[].value.statuses[]`) is handed to `onStatus({ id, status, wamid, at })`,
// `id` being `biz_opaque_callback_data` (our message id) and `at` the arrival (epoch ms, sub-ms).
// The end-to-end bench uses it to know when the sandbox's `sent`/`delivered` webhooks left it.
import http from 'node:http';
import { epochNow } from './tracked-load.mjs';

export async function startWebhookTap({ target, onStatus = () => undefined }) {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats = { requests: 0, statuses: 0, forwardErrors: 0, non2xx: 0, unparsable: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = epochNow();
      const raw = Buffer.concat(chunks);
      stats.requests += 1;
      const headers = { ...req.headers, host: to.host, 'content-length': String(raw.length) };
      const fwd = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers, agent }, (up) => {
        const back = [];
        up.on('data', (c) => back.push(c));
        up.on('end', () => {
          if ((up.statusCode ?? 0) >= 300) stats.non2xx += 1;
          res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'text/plain' }).end(Buffer.concat(back));
        });
      });
      fwd.on('error', () => {
        stats.forwardErrors += 1;
        if (!res.headersSent) res.writeHead(502).end();
      });
      fwd.end(raw);
      try {
        const body = JSON.parse(raw.toString('utf8'));
        for (const entry of body.entry ?? []) {
          for (const change of entry.changes ?? []) {
            for (const s of change.value?.statuses ?? []) {
              stats.statuses += 1;
              onStatus({ id: s.biz_opaque_callback_data, status: s.status, wamid: s.id, at });
            }
          }
        }
      } catch {
        stats.unparsable += 1;
      }
    });
  });
  server.keepAliveTimeout = 65000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    close() {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
