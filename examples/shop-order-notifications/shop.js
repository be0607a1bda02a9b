#!/usr/bin/env node
'use strict';
// Shop order notifications in plain JavaScript on @wabridge/client: the shop's "order created"
// webhook comes in → a utility template `order_confirmation` goes out to the customer on
// WhatsApp → the signed `message.status` webhook says it was delivered → the order is marked
// notified (or failed: `message.status` failed, `message.failed`, `message.rejected`,
// `message.dead_lettered`). The template is created (and waited for until Meta approves it) at start.
//
//   node examples/shop-order-notifications/shop.js          on top of `npm start` (tenant `local`)
//
// Routes of this program:
//   POST /shop/orders  {id, customer: {name, phone}}     the shop's webhook (header x-shop-hmac-sha256
//                                                        = base64 HMAC-SHA256 of the body when SHOP_WEBHOOK_SECRET is set)
//   GET  /shop/orders/:id                                the order and its notification state
//   POST /webhooks/wabridge                              the notifier's deliveries (verified)
// Env: WABRIDGE_URL, WABRIDGE_API_KEY (default npm start's tenant `local`), WABRIDGE_PHONE_NUMBER_ID
// (100000000000001) and WABRIDGE_WABA_ID (200000000000001) of the sending number, PORT (4102; 0 = any),
// PUBLIC_URL, SHOP_WEBHOOK_SECRET (unset = the shop's webhooks are not checked), DATA_FILE.
const { createServer } = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { WabridgeClient, verifyWebhook, isWebhookEvent, WebhookVerificationError, WabridgeApiError } = require('@wabridge/client');

const REPO = resolve(__dirname, '..', '..');
/** The events after which no message.status comes for a send: the order's notification failed. */
const FAILURE_EVENTS = ['message.failed', 'message.rejected', 'message.dead_lettered'];
const TEMPLATE = {
  name: 'order_confirmation', language: 'en_US', category: 'UTILITY',
  components: [{ type: 'BODY', text: 'Hi {{1}}, thank you for your order {{2}}. We will tell you when it ships.', example: { body_text: [['Ada', '#1001']] } }],
};

function localApiKey() {
  const file = join(process.env.LOCAL_STATE_DIR || join(REPO, '.local'), 'dev-secrets.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  return saved.localTenant && saved.localTenant.apiKey;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The template in the tenant's WABA, created if missing; resolves once it is APPROVED. */
async function ensureTemplate(wa, wabaId, timeoutMs = 60000) {
  const list = await wa.get('/v1/templates', { query: { wabaId, refresh: 'true' } });
  let t = list.data.find((x) => x.name === TEMPLATE.name && x.language === TEMPLATE.language);
  if (!t) t = await wa.post('/v1/templates', { body: { wabaId, ...TEMPLATE } });
  const deadline = Date.now() + timeoutMs;
  while (t.status !== 'APPROVED') {
    if (t.status === 'REJECTED' || Date.now() > deadline) throw new Error(`template ${TEMPLATE.name} is ${t.status}`);
    await sleep(500);
    t = await wa.get('/v1/templates/{id}', { path: { id: t.id } });
  }
  return t;
}

class OrderStore {
  constructor(file) {
    this.file = file;
    this.data = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { orders: {} };
  }
  save() {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.data, null, 2));
  }
  byMessage(messageId) {
    return Object.values(this.data.orders).find((o) => o.messageId === messageId);
  }
}

function readBody(req, limit = 256 * 1024) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
}

/** The shop signs its webhooks like Shopify: base64 HMAC-SHA256 of the raw body. */
function shopSignatureOk(secret, raw, header) {
  if (!secret) return true;
  if (typeof header !== 'string') return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function startShop(options = {}) {
  const apiKey = options.apiKey || process.env.WABRIDGE_API_KEY || localApiKey();
  if (!apiKey) throw new Error('no API key: set WABRIDGE_API_KEY or run `npm start` first');
  const wa = new WabridgeClient({ baseUrl: options.url || process.env.WABRIDGE_URL || 'http://127.0.0.1:3000', apiKey });
  const phoneNumberId = options.phoneNumberId || process.env.WABRIDGE_PHONE_NUMBER_ID || '100000000000001';
  const wabaId = options.wabaId || process.env.WABRIDGE_WABA_ID || '200000000000001';
  const shopSecret = options.shopSecret !== undefined ? options.shopSecret : process.env.SHOP_WEBHOOK_SECRET;
  const store = new OrderStore(options.dataFile || process.env.DATA_FILE || join(__dirname, '.data', 'orders.json'));
  const template = await ensureTemplate(wa, wabaId);
  let secret;

  async function onOrder(req, res) {
    const raw = await readBody(req);
    if (!shopSignatureOk(shopSecret, raw, req.headers['x-shop-hmac-sha256'])) return send(res, 401, { error: { code: 'invalid_signature', message: 'x-shop-hmac-sha256 does not match' } });
    let order;
    try {
      order = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(res, 400, { error: { code: 'invalid_json', message: 'the body is not JSON' } });
    }
    const id = order && (typeof order.id === 'string' || typeof order.id === 'number') ? String(order.id) : undefined;
    const phone = order && order.customer && order.customer.phone;
    if (!id || typeof phone !== 'string') return send(res, 400, { error: { code: 'invalid_body', message: 'id and customer.phone are required' } });
    const known = store.data.orders[id];
    if (known && known.messageId) return send(res, 200, known); // the shop retried its webhook
    const name = (order.customer.name || 'there').slice(0, 60);
    // the order id as the Idempotency-Key: a crash between send and save does not send twice
    const sent = await wa.sendMessage({
      phoneNumberId, to: phone, type: 'template',
      template: { name: template.name, language: { code: template.language }, components: [{ type: 'body', parameters: [{ type: 'text', text: name }, { type: 'text', text: `#${id}` }] }] },
      metadata: { orderId: id },
    }, { idempotencyKey: `order-${id}` });
    const saved = { id, phone, name, status: 'notifying', messageId: sent.id, receivedAt: new Date().toISOString() };
    store.data.orders[id] = saved;
    store.save();
    console.log(`order ${id}: confirmation ${sent.id} to ${phone}`);
    send(res, 202, saved);
  }

  function markFailed(order, type, errors) {
    order.status = 'failed';
    order.error = errors;
    const first = errors && errors[0];
    console.log(`order ${order.id}: confirmation failed (${type}${first && first.code !== undefined ? ` ${first.code}` : ''})`);
  }

  async function onWebhook(req, res) {
    const raw = await readBody(req, 1 << 20);
    let event;
    try {
      event = verifyWebhook(secret, req.headers, raw);
    } catch (err) {
      if (err instanceof WebhookVerificationError) return send(res, 401, { error: err.reason });
      throw err;
    }
    const order = event.data && event.data.messageId ? store.byMessage(event.data.messageId) : undefined;
    // statuses may arrive out of order or twice: only move forward, never back from notified
    if (order && order.status !== 'notified') {
      if (isWebhookEvent(event, 'message.status')) {
        if (event.data.status === 'delivered' || event.data.status === 'read') {
          order.status = 'notified';
          order.notifiedAt = event.timestamp;
          console.log(`order ${order.id}: customer notified (${event.data.status})`);
        } else if (event.data.status === 'failed') {
          markFailed(order, event.type, event.data.errors || null);
        }
      } else if (FAILURE_EVENTS.includes(event.type)) {
        // Meta refused the send call itself (message.failed), or the platform did not send it
        // (message.rejected, message.dead_lettered): no message.status ever follows
        markFailed(order, event.type, event.data.error ? [event.data.error] : null);
      }
      store.save();
    }
    send(res, 204);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const route = `${req.method} ${url.pathname}`;
    const id = decodeURIComponent(url.pathname.split('/')[3] || '');
    const work = route === 'POST /shop/orders' ? onOrder(req, res)
      : route === 'POST /webhooks/wabridge' ? onWebhook(req, res)
      : /^GET \/shop\/orders\/[^/]+$/.test(route) ? Promise.resolve(store.data.orders[id] ? send(res, 200, store.data.orders[id]) : send(res, 404, { error: { code: 'not_found', message: `no order ${id}` } }))
      : Promise.resolve(send(res, 404, { error: { code: 'not_found', message: route } }));
    work.catch((err) => {
      const status = err instanceof WabridgeApiError ? 502 : err.status || 500;
      if (!res.headersSent) send(res, status, { error: { code: err instanceof WabridgeApiError ? err.code : 'failed', message: err.message } });
    });
  });
  const port = options.port !== undefined ? options.port : Number(process.env.PORT || 4102);
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const listening = `http://127.0.0.1:${server.address().port}`;
  const publicUrl = (options.publicUrl || process.env.PUBLIC_URL || listening).replace(/\/+$/, '');
  const endpoint = await wa.post('/v1/webhook-endpoints', {
    body: { url: `${publicUrl}/webhooks/wabridge`, events: ['message.status', ...FAILURE_EVENTS], phoneNumberIds: [phoneNumberId], description: 'examples/shop-order-notifications' },
  });
  secret = endpoint.secret;

  async function close() {
    await wa.delete('/v1/webhook-endpoints/{id}', { path: { id: endpoint.id } }).catch(() => undefined);
    await new Promise((r) => server.close(r));
  }
  return { url: listening, endpointId: endpoint.id, template: { id: template.id, name: template.name, status: template.status }, store, close };
}

module.exports = { startShop, ensureTemplate, shopSignatureOk, TEMPLATE };

if (require.main === module) {
  startShop().then((shop) => {
    console.log(JSON.stringify({ ready: { url: shop.url, endpointId: shop.endpointId, template: shop.template } }));
    console.log(`shop notifications on ${shop.url}: POST ${shop.url}/shop/orders; Ctrl-C ends (and removes the webhook endpoint)`);
    const stop = () => shop.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }, (err) => {
    console.error(`shop-order-notifications: ${err.message}`);
    process.exit(1);
  });
}
