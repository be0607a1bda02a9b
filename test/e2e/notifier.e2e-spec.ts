import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ACCOUNT_EVENT_V1, inboundMediaIdOf, AccountEventV1, INBOUND_MESSAGE_V1, InboundMessageV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { fixtureFiles, postSignedWebhook, ServiceProcess, TopicCollector, uniqueFixture, waitFor } from '@wabridge/testing';
import { call, Platform } from './platform-harness';

/*
 * Issue 12 across the real platform: Meta's webhooks (the repository's corpus, signed with the
 * app secret) → ingress → Kafka → notifier → the tenant's own HTTP receiver, with the sandbox as
 * Meta for a user who writes and a send that ends read. Three tenants on three numbers, each with
 * its own endpoint registered through the gateway; C's receiver answers 500 for a while.
 */
const APP = { appId: 'notifier-e2e-app', appSecret: 'notifier-e2e-secret-123', verifyToken: 'notifier-e2e-verify' };
type NumberSpec = { phoneNumberId: string; displayPhoneNumber: string; wabaId: string; accessToken: string };
const A: NumberSpec = { phoneNumberId: '109000000001201', displayPhoneNumber: '15550001201', wabaId: '209000000001201', accessToken: 'ntf-a-token' };
const B: NumberSpec = { phoneNumberId: '109000000001202', displayPhoneNumber: '15550001202', wabaId: '209000000001202', accessToken: 'ntf-b-token' };
const C: NumberSpec = { phoneNumberId: '109000000001203', displayPhoneNumber: '15550001203', wabaId: '209000000001203', accessToken: 'ntf-c-token' };
const USER = '4915112340012';

// the notifier's mapping of account-event kinds (docs/notifier.md, "Event types")
const ACCOUNT_TYPES: Record<string, string> = {
  'template-status': 'template.status', 'template-quality': 'template.status', 'template-category': 'template.status',
  'phone-quality': 'number.changed', 'phone-name': 'number.changed',
  'account-update': 'account.alert', 'account-review': 'account.alert', 'account-alert': 'account.alert', capability: 'account.alert', 'webhook-errors': 'account.alert',
};

// Meta's change fields that become public account events (template.status / number.changed / account.alert)
const FIELD_TYPES: Record<string, string> = {
  message_template_status_update: 'template.status', message_template_quality_update: 'template.status', template_category_update: 'template.status',
  phone_number_quality_update: 'number.changed', phone_number_name_update: 'number.changed',
  account_update: 'account.alert', account_review_update: 'account.alert', account_alerts: 'account.alert', business_capability_update: 'account.alert',
};

interface Delivery {
  id: string;
  timestamp: string;
  type: string;
  data: Record<string, any>;
  status: number;
  signatureValid: boolean;
  at: number;
}

/** A tenant's system: verifies Standard-Webhooks signatures, dedupes by webhook-id, counts every attempt. */
class Receiver {
  private server!: Server;
  secret = '';
  failing = false;
  readonly attempts: Delivery[] = [];
  /** Accepted (2xx) deliveries in arrival order. */
  readonly accepted: Delivery[] = [];
  readonly acceptedCount = new Map<string, number>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        const timestamp = String(req.headers['webhook-timestamp'] ?? '');
        let body: { type?: string; data?: Record<string, any> } = {};
        try { body = JSON.parse(raw); } catch { /* counted as invalid below */ }
        const signatureValid = this.verify(req.headers, id, timestamp, raw);
        const status = this.failing ? 500 : signatureValid ? 204 : 400;
        const d: Delivery = { id, timestamp, type: body.type ?? '?', data: body.data ?? {}, status, signatureValid, at: Date.now() };
        this.attempts.push(d);
        if (status < 300) {
          this.accepted.push(d);
          this.acceptedCount.set(id, (this.acceptedCount.get(id) ?? 0) + 1);
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  private verify(headers: IncomingHttpHeaders, id: string, timestamp: string, raw: string): boolean {
    if (!this.secret || !id || !timestamp) return false;
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
    const key = Buffer.from(this.secret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest();
    return String(headers['webhook-signature'] ?? '').split(' ').some((s) => {
      const sig = Buffer.from(s.split(',')[1] ?? '', 'base64');
      return s.startsWith('v1,') && sig.length === expected.length && timingSafeEqual(sig, expected);
    });
  }

  /** Accepted deliveries, one per event id (the first). */
  events(): Delivery[] {
    const seen = new Set<string>();
    return this.accepted.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
  }

  /** Event ids accepted more than once, and one message/status delivered under two event ids. */
  duplicates(): string[] {
    const byKey = new Map<string, number>();
    for (const d of this.events()) if (d.type === 'message.received' || d.type === 'message.status') byKey.set(keyOf(d), (byKey.get(keyOf(d)) ?? 0) + 1);
    return [
      ...[...this.acceptedCount].filter(([, n]) => n > 1).map(([id]) => id),
      ...[...byKey].filter(([, n]) => n > 1).map(([key]) => key),
    ];
  }

  /** `message.received:<wamid>`, `message.status:<wamid>:<status>`, else `<type>:<event id>`. */
  keys(): Set<string> {
    return new Set(this.events().map(keyOf));
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

function keyOf(d: Pick<Delivery, 'type' | 'data' | 'id'>): string {
  if (d.type === 'message.received') return `message.received:${d.data.wamid}`;
  if (d.type === 'message.status') return `message.status:${d.data.wamid}:${d.data.status}`;
  return `${d.type}:${d.id}`;
}

/** A corpus file made unique (ids tagged) and moved onto one of our numbers and its WABA, as if Meta sent it for it. */
function fixtureFor(file: string, n: NumberSpec, tag: string): { raw: Buffer; messageIds: string[]; statusIds: string[]; accountTypes: string[] } {
  const f = uniqueFixture(file, tag);
  const body = JSON.parse(f.raw.toString('utf8')) as { entry?: { id?: string; changes?: { field?: string; value?: { metadata?: Record<string, string>; errors?: unknown[] } }[] }[] };
  const accountTypes: string[] = [];
  for (const e of body.entry ?? []) {
    e.id = n.wabaId;
    for (const c of e.changes ?? []) {
      const type = FIELD_TYPES[c.field ?? ''] ?? (c.field === 'messages' && (c.value?.errors?.length ?? 0) > 0 ? 'account.alert' : undefined);
      if (type) accountTypes.push(type);
      const md = c.value?.metadata;
      if (md) {
        md.phone_number_id = n.phoneNumberId;
        md.display_phone_number = n.displayPhoneNumber;
      }
    }
  }
  return { raw: Buffer.from(JSON.stringify(body)), messageIds: f.messageIds, statusIds: f.statusIds, accountTypes };
}

/** Like Meta: the same body again until ingress answers 200. */
async function deliverLikeMeta(url: string, raw: Buffer): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const r = await postSignedWebhook(url, raw, APP.appSecret).catch(() => ({ status: 0, body: '' }));
    if (r.status === 200) return attempt;
    if (attempt >= 60) throw new Error(`ingress kept answering ${r.status}: ${r.body}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

describe('notifier end to end: Meta webhooks and sends reach each tenant\'s receiver signed, once, isolated, in order', () => {
  let platform: Platform;
  let gateway: ServiceProcess;
  let ingress: ServiceProcess;
  let sandbox: ServiceProcess;
  const receivers = { A: new Receiver(), B: new Receiver(), C: new Receiver() };
  const keys: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
  const tenants: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
  const endpoints: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
  let inbound: TopicCollector<InboundMessageV1>;
  let statuses: TopicCollector<StatusUpdatedV1>;
  let account: TopicCollector<AccountEventV1>;
  const numbers = { A, B, C };
  let fixturesSent = 0;
  let otherWebhooks = 0;
  let metaAttempts = 0;

  beforeAll(async () => {
    await Promise.all(Object.values(receivers).map((r) => r.start()));
    platform = new Platform({
      app: APP,
      notifier: true,
      // retries of seconds, not minutes: C's receiver is down for a few seconds only
      serviceEnv: { notifier: { NOTIFIER_RETRY_SCHEDULE_MS: ['0', '200', '500', ...Array(40).fill('1000')].join(','), NOTIFIER_POLL_INTERVAL_MS: '100' },
        sandbox: { STATUS_READ_DELAY_MS: '300' } },
    });
    await platform.start();
    gateway = platform.get('gateway');
    ingress = platform.get('ingress');
    sandbox = platform.get('sandbox');
    for (const t of ['A', 'B', 'C'] as const) {
      keys[t] = await platform.onboard(numbers[t]);
      const [row] = await platform.query<{ tenant_id: string }>('gateway', 'SELECT tenant_id FROM phone_numbers WHERE phone_number_id = $1', [numbers[t].phoneNumberId]);
      tenants[t] = row!.tenant_id;
      const ep = await call('POST', `${gateway.url}/v1/webhook-endpoints`, { url: receivers[t].url, description: `receiver ${t}` }, { authorization: `Bearer ${keys[t]}` });
      expect(ep.status).toBe(201);
      expect(ep.body.secret).toMatch(/^whsec_/);
      receivers[t].secret = ep.body.secret;
      endpoints[t] = ep.body.id;
    }
    expect(new Set(Object.values(tenants)).size).toBe(3);
    [inbound, statuses, account] = await Promise.all([
      TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, platform.suffix),
      TopicCollector.start<StatusUpdatedV1>(STATUS_UPDATED_V1, platform.suffix),
      TopicCollector.start<AccountEventV1>(ACCOUNT_EVENT_V1, platform.suffix),
    ]);
  }, 240000);

  afterAll(async () => {
    await Promise.all([inbound?.stop(), statuses?.stop(), account?.stop()]);
    await platform?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.close().catch(() => undefined)));
  }, 120000);

  /** What the notifier must deliver to a tenant, from the normalized topics (ingress's view of the webhooks). */
  function expectedFromTopics(n: NumberSpec): Set<string> {
    const out = new Set<string>();
    for (const m of inbound.values()) if (m.phoneNumberId === n.phoneNumberId) out.add(`message.received:${m.wamid}`);
    for (const s of statuses.values()) if (s.phoneNumberId === n.phoneNumberId) out.add(`message.status:${s.wamid}:${s.status}`);
    return out;
  }
  function expectedAccount(n: NumberSpec): Map<string, number> {
    const out = new Map<string, number>();
    const ids = new Set<string>();
    for (const e of account.values()) {
      const type = ACCOUNT_TYPES[e.kind];
      if (!type || e.wabaId !== n.wabaId || ids.has(e.eventId)) continue;
      ids.add(e.eventId);
      out.set(type, (out.get(type) ?? 0) + 1);
    }
    return out;
  }

  it('every corpus webhook, sent signed for two tenants\' numbers, reaches that tenant\'s receiver as typed, signed events, once each', async () => {
    const files = fixtureFiles();
    const want = (): { messages: Set<string>; statuses: Set<string>; account: Map<string, number> } => ({ messages: new Set(), statuses: new Set(), account: new Map() });
    const wanted = { A: want(), B: want() };
    // ids are tagged per tenant and file: placeholders like `wamid.ID` stand for different messages in different files
    const posts = (['A', 'B'] as const).flatMap((t) => files.map((file, i) => {
      const f = fixtureFor(file, numbers[t], `${t}${i}-${platform.suffix}`);
      f.messageIds.forEach((id) => wanted[t].messages.add(id));
      f.statusIds.forEach((id) => wanted[t].statuses.add(id));
      f.accountTypes.forEach((type) => wanted[t].account.set(type, (wanted[t].account.get(type) ?? 0) + 1));
      return f.raw;
    }));
    const attempts = await mapLimit(posts, 8, (raw) => deliverLikeMeta(`${ingress.url}/webhooks/meta/${APP.appId}`, raw));
    fixturesSent += files.length;
    metaAttempts += attempts.reduce((a, b) => a + b, 0);

    for (const t of ['A', 'B'] as const) {
      const n = numbers[t];
      const r = receivers[t];
      // the normalized topics hold every message and status of the corpus …
      await waitFor(() => {
        const got = new Set(inbound.values().filter((m) => m.phoneNumberId === n.phoneNumberId).map((m) => m.wamid));
        return [...wanted[t].messages].every((id) => got.has(id));
      }, { timeoutMs: 60000, what: `every corpus message of ${t} on ${INBOUND_MESSAGE_V1.topic}` });
      await waitFor(() => {
        const got = new Set(statuses.values().filter((s) => s.phoneNumberId === n.phoneNumberId).map((s) => s.wamid));
        return [...wanted[t].statuses].every((id) => got.has(id));
      }, { timeoutMs: 60000, what: `every corpus status of ${t} on ${STATUS_UPDATED_V1.topic}` });
      // … and so do the account events (one per template/phone/account change, and per `value.errors`)
      await waitFor(() => [...wanted[t].account].every(([type, count]) => (expectedAccount(n).get(type) ?? 0) >= count),
        { timeoutMs: 60000, what: `every corpus account change of ${t} on ${ACCOUNT_EVENT_V1.topic}` });
      const expectedAcc = expectedAccount(n);
      expect(expectedAcc).toEqual(wanted[t].account);
      expect([...expectedAcc.keys()].sort()).toEqual(['account.alert', 'number.changed', 'template.status']);
      // the tenant's receiver gets each of them
      const expected = expectedFromTopics(n);
      expect(expected.size).toBeGreaterThanOrEqual(wanted[t].messages.size + wanted[t].statuses.size);
      await waitFor(() => {
        const got = r.keys();
        const missing = [...expected].filter((k) => !got.has(k));
        const accountOk = [...expectedAcc].every(([type, count]) => r.events().filter((d) => d.type === type).length >= count);
        return missing.length === 0 && accountOk ? true : undefined;
      }, {
        timeoutMs: 60000,
        what: `${t}'s receiver to get every event (missing ${[...expected].filter((k) => !r.keys().has(k)).slice(0, 5).join(', ')}; account ${JSON.stringify([...expectedAcc])} vs ${JSON.stringify([...expectedAcc].map(([type]) => r.events().filter((d) => d.type === type).length))})`,
      });
      for (const [type, count] of expectedAcc) expect(r.events().filter((d) => d.type === type)).toHaveLength(count);
      for (const id of wanted[t].messages) expect(r.keys().has(`message.received:${id}`)).toBe(true);
      for (const id of wanted[t].statuses) expect(r.events().some((d) => d.type === 'message.status' && d.data.wamid === id)).toBe(true);

      // typed as documented: the content under its type, our number, the tenant
      for (const d of r.events().filter((e) => e.type === 'message.received')) {
        expect(d.data).toMatchObject({ tenantId: tenants[t], phoneNumberId: n.phoneNumberId, wabaId: n.wabaId, wamid: expect.any(String), message: { type: expect.any(String) } });
        expect(d.data.from).toBeInstanceOf(Object);
      }
      // Meta's content object under the message's type, its context and referral, as ingress normalized them
      let withContent = 0;
      for (const m of inbound.values().filter((x) => x.phoneNumberId === n.phoneNumberId)) {
        const d = r.events().find((e) => e.type === 'message.received' && e.data.wamid === m.wamid)!;
        expect(d.data.message.type).toBe(m.type);
        const metaType = typeof m.raw['type'] === 'string' ? (m.raw['type'] as string) : m.type;
        const content = m.raw[metaType] ?? m.raw[m.type];
        if (content !== undefined) {
          withContent++;
          // media content also names where the media service keeps it (ADR 0102): derived from tenant and Meta's id
          const mediaId = inboundMediaIdOf(m, tenants[t]);
          const expected = mediaId === undefined ? content : { ...(content as object), mediaId };
          expect({ wamid: m.wamid, content: d.data.message[m.type] }).toEqual({ wamid: m.wamid, content: expected });
        }
        for (const extra of ['context', 'referral'] as const) expect(d.data.message[extra]).toEqual(m.raw[extra]);
        if (m.waId) expect(d.data.from.waId).toBe(m.waId);
      }
      expect(withContent).toBeGreaterThanOrEqual(wanted[t].messages.size - 5);
      const text = r.events().find((e) => e.type === 'message.received' && e.data.message.type === 'text');
      expect(text?.data.message.text).toMatchObject({ body: expect.any(String) });
      for (const d of r.events().filter((e) => e.type === 'message.status')) {
        expect(d.data).toMatchObject({ tenantId: tenants[t], phoneNumberId: n.phoneNumberId, status: expect.stringMatching(/^(sent|delivered|read|played|failed|deleted|warning)$/) });
      }
      expect(r.events().find((e) => e.type === 'message.status' && e.data.status === 'failed')?.data.errors).toEqual(expect.any(Array));
      for (const d of r.events().filter((e) => ['template.status', 'number.changed', 'account.alert'].includes(e.type))) {
        expect(d.data).toMatchObject({ tenantId: tenants[t], wabaId: n.wabaId, kind: expect.any(String) });
      }
      // every attempt was signed with the endpoint's secret; no event accepted twice
      expect(r.attempts.filter((d) => !d.signatureValid)).toEqual([]);
      expect(r.duplicates()).toEqual([]);
    }
  }, 150000);

  it('a user writing through the sandbox and a send through the API reach the receiver: received, accepted, sent → delivered → read with our id', async () => {
    const r = receivers.A;
    const auth = { authorization: `Bearer ${keys.A}` };
    const wrote = await call('POST', `${sandbox.url}/_sandbox/inbound`, {
      phoneNumberId: A.phoneNumberId, from: USER, profileName: 'Jo', message: { type: 'text', text: { body: 'Hallo Notifier' } },
    });
    expect(wrote.status).toBe(202);
    const received = await waitFor(() => r.events().find((d) => d.type === 'message.received' && d.data.wamid === wrote.body.wamid),
      { timeoutMs: 30000, what: 'the sandbox user\'s message at the receiver' });
    expect(received.data).toMatchObject({
      tenantId: tenants.A, phoneNumberId: A.phoneNumberId, from: { waId: USER, profileName: 'Jo' }, message: { type: 'text', text: { body: 'Hallo Notifier' } },
    });

    // A bot answers the moment the webhook arrives, with a free-form text: the dispatcher may not
    // have heard from contacts yet that this message opened the window, and waits for it (ADR 0219).
    const sent = await call('POST', `${gateway.url}/v1/messages`, {
      phoneNumberId: A.phoneNumberId, to: `+${USER}`, type: 'text', text: { body: 'Danke, Jo!' },
    }, auth);
    expect(sent.status).toBe(202);
    const messageId: string = sent.body.id;
    const mine = (): Delivery[] => r.events().filter((d) => d.data.messageId === messageId);
    await waitFor(() => {
      const got = mine().map((d) => (d.type === 'message.status' ? d.data.status : d.type));
      return ['message.accepted', 'sent', 'delivered', 'read'].every((s) => got.includes(s));
    }, { timeoutMs: 60000, what: `accepted, sent, delivered, read of ${messageId} (have ${JSON.stringify(mine().map((d) => [d.type, d.data.status]))})` });
    const accepted = mine().find((d) => d.type === 'message.accepted')!;
    expect(accepted.data).toMatchObject({ tenantId: tenants.A, phoneNumberId: A.phoneNumberId, messageId, recipient: expect.stringContaining(USER.slice(-6)) });
    const stats = mine().filter((d) => d.type === 'message.status');
    expect(stats.map((d) => d.data.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const s of stats) expect(s.data).toMatchObject({ tenantId: tenants.A, phoneNumberId: A.phoneNumberId, messageId, wamid: expect.stringMatching(/^wamid\./), recipient: { waId: USER } });
    expect(stats.find((d) => d.data.status === 'sent')?.data.pricing).toMatchObject({ billable: expect.any(Boolean) });
    expect(mine().filter((d) => d.type === 'message.status' || d.type === 'message.accepted').map((d) => d.id).length).toBe(4);
    expect(mine().filter((d) => d.type === 'message.rejected' || d.type === 'message.retry_scheduled')).toEqual([]);
    expect(r.duplicates()).toEqual([]);
  }, 120000);

  it('a send Meta refuses outright (no wamid, so no status webhook) reaches the receiver as message.failed with Meta\'s error', async () => {
    const r = receivers.A;
    const sent = await call('POST', `${gateway.url}/v1/messages`, {
      phoneNumberId: A.phoneNumberId, to: '+4915799999001', type: 'template', template: { name: 'no_such_template', language: { code: 'en_US' } },
    }, { authorization: `Bearer ${keys.A}` });
    expect(sent.status).toBe(202);
    const messageId: string = sent.body.id;
    const failed = await waitFor(() => r.events().find((d) => d.type === 'message.failed' && d.data.messageId === messageId),
      { timeoutMs: 60000, what: `message.failed of ${messageId}` });
    expect(failed.data).toMatchObject({ tenantId: tenants.A, phoneNumberId: A.phoneNumberId, messageId, recipient: expect.stringContaining('4915799999001'), error: { class: 'template', code: 132001 } });
    expect(failed.data.wamid).toBeUndefined();
    const mine = r.events().filter((d) => d.data.messageId === messageId).map((d) => d.type).sort();
    expect(mine).toEqual(['message.accepted', 'message.failed']);
  }, 90000);

  it('a receiver answering 500 for a while gets every event once it recovers, in order per conversation', async () => {
    const r = receivers.C;
    r.failing = true;
    const contacts = ['4915700000001', '4915700000002', '4915700000003'];
    const sentOrder = new Map<string, string[]>(contacts.map((c) => [c, []]));
    const url = `${ingress.url}/webhooks/meta/${APP.appId}`;
    // one webhook per message, each answered 200 before the next: that is the order Meta gave them
    for (let i = 0; i < 5; i++) {
      for (const c of contacts) {
        const wamid = `wamid.outage-${platform.suffix}-${c}-${i}`;
        const value = {
          messaging_product: 'whatsapp', metadata: { display_phone_number: C.displayPhoneNumber, phone_number_id: C.phoneNumberId },
          contacts: [{ profile: { name: `C${c.slice(-1)}` }, wa_id: c }],
          messages: [{ from: c, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `#${i}` } }],
        };
        metaAttempts += await deliverLikeMeta(url, Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: C.wabaId, changes: [{ field: 'messages', value }] }] })));
        otherWebhooks++;
        sentOrder.get(c)!.push(wamid);
      }
    }
    // all 15 stored as deliveries while the receiver refuses, several attempts failed
    await waitFor(async () => {
      const d = await call('GET', `${gateway.url}/v1/webhook-endpoints/${endpoints.C}/deliveries?limit=100`, undefined, { authorization: `Bearer ${keys.C}` });
      return d.status === 200 && d.body.data.filter((x: { type: string }) => x.type === 'message.received').length >= 15 ? true : undefined;
    }, { timeoutMs: 30000, what: '15 message.received deliveries of C in the delivery log' });
    // each conversation's head was refused at least twice (the others wait behind it)
    await waitFor(() => contacts.every((c) => r.attempts.filter((a) => a.status === 500 && a.data.from?.waId === c).length >= 2),
      { timeoutMs: 30000, what: 'failed attempts for every conversation at C\'s receiver' });
    expect(r.accepted).toHaveLength(0);
    const failed = r.attempts.length;

    r.failing = false;
    await waitFor(() => contacts.every((c) => sentOrder.get(c)!.every((w) => r.keys().has(`message.received:${w}`))),
      { timeoutMs: 30000, what: 'every message at C\'s receiver after it recovered' });
    for (const c of contacts) {
      const got = r.events().filter((d) => d.type === 'message.received' && d.data.from.waId === c).map((d) => d.data.wamid);
      expect(got).toEqual(sentOrder.get(c));
    }
    expect(r.duplicates()).toEqual([]);
    expect(r.attempts.filter((d) => !d.signatureValid)).toEqual([]);
    expect(failed).toBeGreaterThanOrEqual(6);
    const log = await call('GET', `${gateway.url}/v1/webhook-endpoints/${endpoints.C}/deliveries?limit=100`, undefined, { authorization: `Bearer ${keys.C}` });
    const heads = log.body.data.filter((x: { type: string; attempt: number }) => x.type === 'message.received' && x.attempt > 1);
    expect(heads.length).toBeGreaterThan(0); // retried, not only delivered late
  }, 120000);

  it('no tenant receives another tenant\'s events, each got all of its own, and nothing twice', () => {
    for (const t of ['A', 'B', 'C'] as const) {
      const n = numbers[t];
      for (const d of receivers[t].attempts) {
        expect({ t, tenantId: d.data.tenantId }).toEqual({ t, tenantId: tenants[t] });
        if (d.data.phoneNumberId !== undefined) expect({ t, phoneNumberId: d.data.phoneNumberId }).toEqual({ t, phoneNumberId: n.phoneNumberId });
        if (d.data.wabaId !== undefined) expect({ t, wabaId: d.data.wabaId }).toEqual({ t, wabaId: n.wabaId });
      }
      // every message/status on the topics for this number (corpus, sandbox, send, outage) arrived here
      const got = receivers[t].keys();
      expect([...expectedFromTopics(n)].filter((k) => !got.has(k))).toEqual([]);
      expect(receivers[t].duplicates()).toEqual([]);
    }
    const keysOf = (t: 'A' | 'B' | 'C'): Set<string> => receivers[t].keys();
    for (const [x, y] of [['A', 'B'], ['A', 'C'], ['B', 'C']] as const) {
      const ys = keysOf(y);
      expect([...keysOf(x)].filter((k) => ys.has(k))).toEqual([]);
      const idsY = new Set(receivers[y].attempts.map((d) => d.id));
      expect(receivers[x].attempts.filter((d) => idsY.has(d.id))).toEqual([]);
    }

    const byType: Record<string, number> = {};
    for (const t of ['A', 'B', 'C'] as const) for (const d of receivers[t].events()) byType[d.type] = (byType[d.type] ?? 0) + 1;
    const all = Object.values(receivers);
    const duplicates = all.reduce((a, r) => a + r.duplicates().length, 0);
    const attempts = all.reduce((a, r) => a + r.attempts.length, 0);
    const accepted = all.reduce((a, r) => a + r.accepted.length, 0);
    // eslint-disable-next-line no-console
    console.log(`notifier e2e: ${fixturesSent} corpus fixtures × 2 tenants + ${otherWebhooks} outage webhooks + 1 sandbox user message + 1 API send `
      + `(${metaAttempts} signed POSTs to ingress), events delivered ${JSON.stringify(byType)}, `
      + `duplicates ${duplicates}, deliveries ${attempts} (accepted ${accepted}, refused ${attempts - accepted})`);
  });
});
