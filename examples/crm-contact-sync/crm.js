#!/usr/bin/env node
'use strict';
// CRM contact sync in plain JavaScript on @wabridge/client. A small "CRM" (a JSON file) is the
// source of truth for who the customers are; Wabridge is the source of truth for what WhatsApp
// says about them (opt-out, the 24 h window, reachability, erasure). At start the CRM's contacts
// are imported through the contacts API (`POST /v1/contacts/import`, NDJSON, re-importing
// changes nothing), and from then on every signed `contact.changed` webhook updates the CRM.
// New CRM contacts and a CRM-side opt-out go to Wabridge at once.
//
//   node examples/crm-contact-sync/crm.js          on top of `npm start` (tenant `local`)
//
// Routes of this program (what the CRM's UI would call):
//   GET  /crm/contacts                          the CRM with what WhatsApp said last
//   POST /crm/contacts {crmId, name, phone, tags?}   → 201/200 the CRM record, also in Wabridge
//   POST /crm/contacts/:crmId/opt-out           the customer asked the CRM: recorded in Wabridge (the webhook brings it back)
//   POST /webhooks/wabridge                     the notifier's deliveries (verified)
// Env: WABRIDGE_URL, WABRIDGE_API_KEY (default npm start's tenant `local`), WABRIDGE_PHONE_NUMBER_ID
// (100000000000001), PORT (4101; 0 = any), PUBLIC_URL, DATA_FILE (the CRM; default
// examples/crm-contact-sync/.data/crm.json, first filled from SEED_FILE, default sample-crm.json).
const { createServer } = require('node:http');
const { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { WabridgeClient, verifyWebhook, isWebhookEvent, WebhookVerificationError, WabridgeApiError } = require('@wabridge/client');

const REPO = resolve(__dirname, '..', '..');

function localApiKey() {
  const file = join(process.env.LOCAL_STATE_DIR || join(REPO, '.local'), 'dev-secrets.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  return saved.localTenant && saved.localTenant.apiKey;
}

const digits = (phone) => String(phone).replace(/\D/g, '');

/** The CRM: contacts by crmId, each with its WhatsApp state as Wabridge reported it last. */
class Crm {
  constructor(file, seedFile) {
    this.file = file;
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      copyFileSync(seedFile, file);
    }
    this.data = JSON.parse(readFileSync(file, 'utf8'));
    this.data.contacts = this.data.contacts || [];
    this.data.seenWebhookIds = this.data.seenWebhookIds || [];
  }
  save() {
    writeFileSync(this.file, JSON.stringify(this.data, null, 2));
  }
  get(crmId) {
    return this.data.contacts.find((c) => c.crmId === crmId);
  }
  byWaId(waId) {
    return this.data.contacts.find((c) => digits(c.phone) === waId);
  }
  firstTime(webhookId) {
    if (this.data.seenWebhookIds.includes(webhookId)) return false;
    this.data.seenWebhookIds = [...this.data.seenWebhookIds.slice(-999), webhookId];
    return true;
  }
}

/** A CRM record as a contacts-API import row (NDJSON line). */
const importRow = (c, phoneNumberId) => ({ phoneNumberId, phone: c.phone, name: c.name, tags: c.tags || [], attributes: { crmId: c.crmId } });

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

async function startCrmSync(options = {}) {
  const apiKey = options.apiKey || process.env.WABRIDGE_API_KEY || localApiKey();
  if (!apiKey) throw new Error('no API key: set WABRIDGE_API_KEY or run `npm start` first');
  const baseUrl = (options.url || process.env.WABRIDGE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const wa = new WabridgeClient({ baseUrl, apiKey });
  const phoneNumberId = options.phoneNumberId || process.env.WABRIDGE_PHONE_NUMBER_ID || '100000000000001';
  const crm = new Crm(options.dataFile || process.env.DATA_FILE || join(__dirname, '.data', 'crm.json'), options.seedFile || process.env.SEED_FILE || join(__dirname, 'sample-crm.json'));

  // 1. the CRM's contacts into Wabridge (an import is idempotent: unchanged rows stay unchanged)
  const ndjson = crm.data.contacts.map((c) => JSON.stringify(importRow(c, phoneNumberId))).join('\n');
  const report = await wa.post('/v1/contacts/{path}', { path: { path: 'import' }, rawBody: { data: ndjson, contentType: 'application/x-ndjson' } });
  for (const e of report.errors || []) console.error(`import: line ${e.line}: ${e.error}`);
  // 2. Wabridge's ids and current state back into the CRM
  for await (const contact of wa.paginate('/v1/contacts', { query: { phoneNumberId, limit: 500 } })) {
    const c = crm.byWaId(contact.waId);
    if (c) Object.assign(c, { wabridgeId: contact.id, optedOut: contact.optedOut, windowOpenUntil: contact.windowOpenUntil || null });
  }
  crm.save();

  async function onWebhook(req, res) {
    const raw = await readBody(req);
    let event;
    try {
      event = verifyWebhook(secret, req.headers, raw);
    } catch (err) {
      if (err instanceof WebhookVerificationError) return send(res, 401, { error: err.reason });
      throw err;
    }
    if (!crm.firstTime(req.headers['webhook-id'])) return send(res, 204);
    if (isWebhookEvent(event, 'contact.changed') && event.data.waId) {
      const c = crm.byWaId(event.data.waId);
      if (c) {
        if (event.data.erased) {
          // erased in Wabridge (GDPR): the CRM forgets what WhatsApp told it
          Object.assign(c, { wabridgeId: null, optedOut: event.data.optedOut, windowOpenUntil: null, reachable: null, erasedInWabridge: true });
        } else {
          Object.assign(c, { optedOut: event.data.optedOut, optInState: event.data.optInState || null, reachable: event.data.reachable, windowOpenUntil: event.data.windowOpenUntil || null });
        }
        c.syncedAt = event.timestamp;
        console.log(`crm ${c.crmId}: optedOut=${c.optedOut} window until ${c.windowOpenUntil || '-'}`);
      }
    }
    crm.save();
    send(res, 204);
  }

  async function onUpsert(req, res) {
    let body;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    } catch {
      return send(res, 400, { error: { code: 'invalid_json', message: 'the body is not JSON' } });
    }
    if (!body || typeof body.crmId !== 'string' || typeof body.phone !== 'string' || typeof body.name !== 'string') {
      return send(res, 400, { error: { code: 'invalid_body', message: 'crmId, name and phone are required' } });
    }
    const created = await wa.call('post', '/v1/contacts', { body: { phoneNumberId, phone: body.phone, profileName: body.name, tags: body.tags || [], attributes: { crmId: body.crmId } } });
    let c = crm.get(body.crmId);
    const isNew = !c;
    if (!c) crm.data.contacts.push((c = { crmId: body.crmId }));
    Object.assign(c, { name: body.name, phone: body.phone, tags: body.tags || [], wabridgeId: created.data.id, optedOut: created.data.optedOut });
    crm.save();
    send(res, isNew ? 201 : 200, c);
  }

  async function onOptOut(res, crmId) {
    const c = crm.get(crmId);
    if (!c || !c.wabridgeId) return send(res, 404, { error: { code: 'not_found', message: `no synced CRM contact ${crmId}` } });
    // `/v1/contacts/{path}` is the gateway's forwarding route: the client encodes a `/` inside
    // {path}, so this two-segment path goes through fetch with the same key
    const r = await fetch(`${baseUrl}/v1/contacts/${encodeURIComponent(c.wabridgeId)}/opt-out`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
    if (!r.ok) return send(res, 502, { error: { code: 'opt_out_failed', message: `Wabridge answered ${r.status}` } });
    send(res, 202, { crmId, requested: 'opt-out' });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const route = `${req.method} ${url.pathname}`;
    const optOut = /^POST \/crm\/contacts\/([^/]+)\/opt-out$/.exec(route);
    const work = route === 'POST /webhooks/wabridge' ? onWebhook(req, res)
      : route === 'GET /crm/contacts' ? Promise.resolve(send(res, 200, { data: crm.data.contacts }))
      : route === 'POST /crm/contacts' ? onUpsert(req, res)
      : optOut ? onOptOut(res, decodeURIComponent(optOut[1]))
      : Promise.resolve(send(res, 404, { error: { code: 'not_found', message: route } }));
    work.catch((err) => {
      const status = err instanceof WabridgeApiError ? (err.status === 400 ? 400 : 502) : err.status || 500;
      if (!res.headersSent) send(res, status, { error: { code: err instanceof WabridgeApiError ? err.code : 'failed', message: err.message } });
    });
  });
  let secret;
  const port = options.port !== undefined ? options.port : Number(process.env.PORT || 4101);
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const listening = `http://127.0.0.1:${server.address().port}`;
  const publicUrl = (options.publicUrl || process.env.PUBLIC_URL || listening).replace(/\/+$/, '');
  // 3. from now on WhatsApp's changes come to us
  const endpoint = await wa.post('/v1/webhook-endpoints', {
    body: { url: `${publicUrl}/webhooks/wabridge`, events: ['contact.changed'], phoneNumberIds: [phoneNumberId], description: 'examples/crm-contact-sync' },
  });
  secret = endpoint.secret;

  async function close() {
    await wa.delete('/v1/webhook-endpoints/{id}', { path: { id: endpoint.id } }).catch(() => undefined);
    await new Promise((r) => server.close(r));
  }
  return { url: listening, endpointId: endpoint.id, imported: { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, failed: report.failed }, crm, close };
}

module.exports = { startCrmSync, Crm, importRow };

if (require.main === module) {
  startCrmSync().then((sync) => {
    console.log(JSON.stringify({ ready: { url: sync.url, endpointId: sync.endpointId, imported: sync.imported } }));
    console.log(`CRM sync on ${sync.url}: ${sync.url}/crm/contacts; Ctrl-C ends (and removes the webhook endpoint)`);
    const stop = () => sync.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }, (err) => {
    console.error(`crm-contact-sync: ${err.message}`);
    process.exit(1);
  });
}
