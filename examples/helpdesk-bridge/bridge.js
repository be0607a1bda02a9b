#!/usr/bin/env node
'use strict';
// A helpdesk bridge in plain JavaScript on @wabridge/client: a customer's WhatsApp message
// (the notifier's signed `message.received` webhook) opens or extends a ticket in a local
// store; an agent's reply on the ticket goes back to WhatsApp through the conversation API
// (`POST /v1/conversations/:id/messages`), and its delivery status comes back on the ticket.
//
//   node examples/helpdesk-bridge/bridge.js          on top of `npm start` (tenant `local`)
//
// Helpdesk API of this program (what a desk UI would call):
//   GET  /tickets                     every ticket, newest first
//   GET  /tickets/:id                 one ticket with its messages
//   POST /tickets/:id/replies {text, agent?}  → 202 {messageId}: sent to the customer
// Env: WABRIDGE_URL (http://127.0.0.1:3000), WABRIDGE_API_KEY (default: npm start's tenant
// `local`), PORT (4103; 0 = any), PUBLIC_URL (how the notifier reaches us; default
// http://127.0.0.1:PORT), WABRIDGE_PHONE_NUMBER_ID (the number to bridge; default all),
// DATA_FILE (tickets as JSON; default examples/helpdesk-bridge/.data/tickets.json).
const { createServer } = require('node:http');
const { randomUUID } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { WabridgeClient, verifyWebhook, isWebhookEvent, WebhookVerificationError, WabridgeApiError } = require('@wabridge/client');

const REPO = resolve(__dirname, '..', '..');
/** A reply after which no message.status comes: it failed before reaching WhatsApp. */
const FAILURE_EVENTS = ['message.failed', 'message.rejected', 'message.dead_lettered'];

/** npm start's state: the tenant `local` and its API key. */
function localApiKey() {
  const file = join(process.env.LOCAL_STATE_DIR || join(REPO, '.local'), 'dev-secrets.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  return saved.localTenant && saved.localTenant.apiKey;
}

/** Tickets in a JSON file: one open ticket per customer and number, messages in order. */
class TicketStore {
  constructor(file) {
    this.file = file;
    this.data = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { tickets: [], seenWebhookIds: [] };
  }
  save() {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.data, null, 2));
  }
  /** Deliveries are at least once: a webhook-id seen before changes nothing. */
  firstTime(webhookId) {
    if (this.data.seenWebhookIds.includes(webhookId)) return false;
    this.data.seenWebhookIds = [...this.data.seenWebhookIds.slice(-999), webhookId];
    return true;
  }
  openTicketFor(phoneNumberId, customer) {
    let t = this.data.tickets.find((x) => x.status === 'open' && x.phoneNumberId === phoneNumberId && x.customer.waId === customer.waId);
    if (!t) {
      t = { id: `T-${this.data.tickets.length + 1}`, status: 'open', phoneNumberId, customer, createdAt: new Date().toISOString(), messages: [] };
      this.data.tickets.push(t);
    }
    return t;
  }
  get(id) {
    return this.data.tickets.find((t) => t.id === id);
  }
  findReply(messageId) {
    for (const t of this.data.tickets) for (const m of t.messages) if (m.messageId === messageId) return m;
    return undefined;
  }
}

/** What the customer sent, as the ticket shows it. */
function describe(message) {
  if (message.type === 'text') return message.text.body;
  if (message.type === 'interactive') return JSON.stringify(message.interactive);
  const media = message[message.type];
  return `[${message.type}]${media && media.caption ? ` ${media.caption}` : ''}`;
}

function readBody(req, limit = 1 << 20) {
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

async function startBridge(options = {}) {
  const apiKey = options.apiKey || process.env.WABRIDGE_API_KEY || localApiKey();
  if (!apiKey) throw new Error('no API key: set WABRIDGE_API_KEY or run `npm start` first');
  const wa = new WabridgeClient({ baseUrl: options.url || process.env.WABRIDGE_URL || 'http://127.0.0.1:3000', apiKey });
  const store = new TicketStore(options.dataFile || process.env.DATA_FILE || join(__dirname, '.data', 'tickets.json'));
  const phoneNumberId = options.phoneNumberId || process.env.WABRIDGE_PHONE_NUMBER_ID || undefined;
  let secret;

  /** The conversation of a ticket's customer (the conversations service folds the inbound message a moment after it arrives). */
  async function conversationOf(ticket) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const page = await wa.get('/v1/conversations', { query: { phoneNumberId: ticket.phoneNumberId, waId: ticket.customer.waId, limit: 1 } });
      if (page.data.length > 0) return page.data[0];
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`no conversation for ${ticket.customer.waId} on ${ticket.phoneNumberId}`);
  }

  async function onWebhook(req, res) {
    const raw = await readBody(req);
    let event;
    try {
      event = verifyWebhook(secret, req.headers, raw);
    } catch (err) {
      if (err instanceof WebhookVerificationError) return send(res, 401, { error: err.reason });
      throw err;
    }
    if (!store.firstTime(req.headers['webhook-id'])) return send(res, 204);
    if (isWebhookEvent(event, 'message.received') && event.data.from.waId) {
      const t = store.openTicketFor(event.data.phoneNumberId, { waId: event.data.from.waId, name: event.data.from.profileName || null });
      t.messages.push({ from: 'customer', text: describe(event.data.message), wamid: event.data.wamid, at: event.timestamp });
      console.log(`ticket ${t.id}: ${t.customer.name || t.customer.waId} wrote "${t.messages[t.messages.length - 1].text}"`);
    } else if (isWebhookEvent(event, 'message.status') && event.data.messageId) {
      const reply = store.findReply(event.data.messageId);
      if (reply) {
        reply.status = event.data.status;
        if (event.data.status === 'failed') reply.error = (event.data.errors && event.data.errors[0]) || null;
      }
    } else if (FAILURE_EVENTS.includes(event.type) && event.data.messageId) {
      // the reply never reached WhatsApp: Meta refused the call (message.failed), or the platform
      // did not send it (message.rejected, e.g. outside-window; message.dead_lettered); no
      // message.status follows, so the agent sees it here
      const reply = store.findReply(event.data.messageId);
      if (reply) {
        reply.status = 'failed';
        reply.error = event.data.error || null;
        console.log(`reply ${reply.messageId} failed (${event.type}${reply.error && reply.error.code !== undefined ? ` ${reply.error.code}` : ''})`);
      }
    }
    store.save();
    send(res, 204);
  }

  async function onReply(req, res, ticketId) {
    const ticket = store.get(ticketId);
    if (!ticket) return send(res, 404, { error: { code: 'not_found', message: `no ticket ${ticketId}` } });
    let body;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    } catch {
      return send(res, 400, { error: { code: 'invalid_json', message: 'the body is not JSON' } });
    }
    if (!body || typeof body.text !== 'string' || body.text.trim() === '') return send(res, 400, { error: { code: 'invalid_body', message: 'text is required' } });
    const conversation = await conversationOf(ticket);
    const replyId = randomUUID();
    // the reply's own id as the Idempotency-Key: a retried request does not send twice
    const sent = await wa.post('/v1/conversations/{id}/messages', { path: { id: conversation.id }, body: { type: 'text', text: { body: body.text } }, idempotencyKey: `helpdesk-${replyId}` });
    ticket.messages.push({ from: 'agent', agent: body.agent || null, text: body.text, messageId: sent.id, status: sent.status, at: new Date().toISOString() });
    store.save();
    console.log(`ticket ${ticket.id}: ${body.agent || 'agent'} replied (message ${sent.id})`);
    send(res, 202, { messageId: sent.id });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const route = `${req.method} ${url.pathname}`;
    const work = route === 'POST /webhooks/wabridge' ? onWebhook(req, res)
      : route === 'GET /tickets' ? Promise.resolve(send(res, 200, { data: [...store.data.tickets].reverse() }))
      : /^GET \/tickets\/[^/]+$/.test(route) ? Promise.resolve(store.get(decodeURIComponent(url.pathname.split('/')[2])) ? send(res, 200, store.get(decodeURIComponent(url.pathname.split('/')[2]))) : send(res, 404, { error: { code: 'not_found', message: 'no such ticket' } }))
      : /^POST \/tickets\/[^/]+\/replies$/.test(route) ? onReply(req, res, decodeURIComponent(url.pathname.split('/')[2]))
      : Promise.resolve(send(res, 404, { error: { code: 'not_found', message: route } }));
    work.catch((err) => {
      const status = err instanceof WabridgeApiError ? 502 : err.status || 500;
      if (!res.headersSent) send(res, status, { error: { code: err instanceof WabridgeApiError ? err.code : 'failed', message: err.message } });
    });
  });
  const port = options.port !== undefined ? options.port : Number(process.env.PORT || 4103);
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const listening = `http://127.0.0.1:${server.address().port}`;
  const publicUrl = (options.publicUrl || process.env.PUBLIC_URL || listening).replace(/\/+$/, '');

  // our webhook endpoint on the platform; its secret is shown once, so we keep it in memory
  const endpoint = await wa.post('/v1/webhook-endpoints', {
    body: { url: `${publicUrl}/webhooks/wabridge`, events: ['message.received', 'message.status', ...FAILURE_EVENTS], ...(phoneNumberId ? { phoneNumberIds: [phoneNumberId] } : {}), description: 'examples/helpdesk-bridge' },
  });
  secret = endpoint.secret;

  async function close() {
    await wa.delete('/v1/webhook-endpoints/{id}', { path: { id: endpoint.id } }).catch(() => undefined);
    await new Promise((r) => server.close(r));
  }
  return { url: listening, endpointId: endpoint.id, store, close };
}

module.exports = { startBridge, TicketStore };

if (require.main === module) {
  startBridge().then((bridge) => {
    console.log(JSON.stringify({ ready: { url: bridge.url, endpointId: bridge.endpointId } }));
    console.log(`helpdesk bridge on ${bridge.url}: tickets at ${bridge.url}/tickets; Ctrl-C ends (and removes the webhook endpoint)`);
    const stop = () => bridge.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }, (err) => {
    console.error(`helpdesk-bridge: ${err.message}`);
    process.exit(1);
  });
}
