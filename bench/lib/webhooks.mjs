// Signed Meta webhook requests for load: bodies from the real fixture corpus
// (libs/testing/fixtures/meta-webhooks), every message/status id made unique per request,
// each body signed like Meta does (X-Hub-Signature-256 = HMAC-SHA256 over the raw bytes).
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function signBody(raw, secret) {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/**
 * Returns { path, templates, next() } where next() gives { body: Buffer, headers } with a fresh
 * id tag. Only fixtures that carry message/status ids are used, so no two requests of a run
 * are the same webhook (dedupe never short-cuts the work).
 */
export function webhookRequests({ appId, secret, runTag }) {
  // Built lib (CommonJS); the bench runner builds it first.
  const { fixtureIndex, uniqueFixture } = require('@wabridge/testing');
  const counterWidth = 8;
  const tagWidth = runTag.length + counterWidth;
  // A placeholder as long as the real tag, so one split template serves every request.
  const placeholder = 'Q'.repeat(tagWidth);
  const templates = fixtureIndex()
    .filter((e) => e.wamids.length > 0)
    .map((e) => {
      const text = uniqueFixture(e.file, placeholder).raw.toString('utf8');
      return { file: e.file, parts: text.split(placeholder), bytes: Buffer.byteLength(text) };
    })
    .filter((t) => t.parts.length > 1);
  if (templates.length === 0) throw new Error('no webhook fixtures with ids found');
  let n = 0;
  return {
    path: `/webhooks/meta/${encodeURIComponent(appId)}`,
    templates,
    meanBodyBytes: Math.round(templates.reduce((a, t) => a + t.bytes, 0) / templates.length),
    next() {
      const t = templates[n % templates.length];
      const tag = runTag + (n++).toString(36).padStart(counterWidth, '0');
      const body = Buffer.from(t.parts.join(tag), 'utf8');
      return {
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, secret) },
      };
    },
    get issued() {
      return n;
    },
  };
}
