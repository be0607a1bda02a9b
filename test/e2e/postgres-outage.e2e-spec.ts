import { Admin } from 'kafkajs';
import { signWebhookBody } from '@wabridge/meta';
import { createKafka } from '@wabridge/kafka';
import { testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { DedicatedPostgres } from './dedicated-postgres';
import { call, E2E_APP, HttpResult, Platform } from './platform-harness';

// Issue 11's drill: Postgres stopped for 2 minutes mid-load while ingress (signed webhooks from
// users, Meta's duplicates among them, STOP keywords), contacts, the dispatcher and the gateway
// (a trickle of sends, retried by the client like any API client) are all busy. A private
// cluster is stopped, never the shared one. Oracles outside the processes: the DLQ topics' high
// watermarks, wa.inbound.message.v1 itself, the contacts API, the dispatcher's view of consent,
// and the sandbox's Graph call log.
const NUMBER = { phoneNumberId: '109000000000088', displayPhoneNumber: '15550008888', wabaId: '209000000000088', accessToken: 'pg-outage-graph-token', mps: 80, tier: '2000' };
const WEBHOOKS = Number(process.env.OUTAGE_WEBHOOKS ?? 3000);
const USERS = Math.min(500, Math.floor(WEBHOOKS / 6)); // each writes about 6 times over the load
const STOPPERS = 25; // users 0..24 write STOP from the outage on
const SENDS = Number(process.env.OUTAGE_SENDS ?? 300);
const LEAD_MS = 20000; // load before Postgres stops
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 120000);
const TAIL_MS = 20000; // load after it is back
// `fast` (clean shutdown, backends get 57P01) or `immediate` (like a crash: sockets just close, recovery at start)
const STOP_MODE = process.env.OUTAGE_STOP_MODE === 'immediate' ? 'immediate' : 'fast';
const LOAD_MS = LEAD_MS + OUTAGE_MS + TAIL_MS;
const DUPLICATE_EVERY = 20; // Meta delivers every 20th webhook twice
const REQUEST_TIMEOUT_MS = 15000;

const waId = (user: number): string => String(4915200000000 + user);
const sendTo = (i: number): string => String(4917300000000 + i);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One inbound text from `user`, as Meta's webhook would carry it. */
function inboundWebhook(wamid: string, user: number, text: string, at: number): Buffer {
  return Buffer.from(JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: NUMBER.wabaId,
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: NUMBER.displayPhoneNumber, phone_number_id: NUMBER.phoneNumberId },
          contacts: [{ profile: { name: `User ${user}` }, wa_id: waId(user) }],
          messages: [{ from: waId(user), id: wamid, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: text } }],
        },
      }],
    }],
  }));
}

async function post(url: string, raw: Buffer, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0; // refused, reset or timed out: like Meta, try again
  }
}

function tally(into: Map<number, number>, status: number): void {
  into.set(status, (into.get(status) ?? 0) + 1);
}

describe('Postgres stopped for 2 minutes mid-load (ingress, contacts, dispatcher, gateway all busy)', () => {
  let pg: DedicatedPostgres;
  let platform: Platform;
  let apiKey: string;
  let admin: Admin | undefined;
  let inbound: TopicCollector<{ wamid: string; waId?: string }> | undefined;

  beforeAll(async () => {
    pg = await DedicatedPostgres.create();
    platform = new Platform({
      baseDb: pg.url(),
      serviceEnv: {
        gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
        sandbox: { STATUS_READ_RATE: '0' },
      },
    });
    await platform.start();
    apiKey = await platform.onboard(NUMBER);
    inbound = await TopicCollector.start('wa.inbound.message.v1', platform.suffix);
    admin = createKafka(testConnection(platform.suffix, 'pg-outage-oracle')).admin();
    await admin.connect();
  }, 300000);

  afterAll(async () => {
    await inbound?.stop();
    await admin?.disconnect().catch(() => undefined);
    if (!(await pg?.ping())) await pg?.start().catch(() => undefined); // so the run's database can be dropped
    await platform?.stop();
    await pg?.destroy();
  }, 120000);

  it('dead-letters nothing, resumes every flow, loses nothing and doubles nothing', async () => {
    const ingressUrl = `${platform.get('ingress').url}/webhooks/meta/${E2E_APP.appId}`;
    const gw = platform.get('gateway').url;
    const sandbox = platform.get('sandbox').url;
    const auth = { authorization: `Bearer ${apiKey}` };
    const t0 = Date.now();
    const outageStart = t0 + LEAD_MS;

    // --- webhooks: paced over the whole load, each retried until 200 as Meta does ---
    const wamids: string[] = [];
    const webhookStatuses = new Map<number, number>();
    let duplicatesPosted = 0;
    const acknowledged: string[] = []; // wamids whose webhook ingress answered 200
    let nextHook = 0;
    const hookWorker = async (): Promise<void> => {
      while (nextHook < WEBHOOKS) {
        const i = nextHook++;
        const due = t0 + Math.floor((i * LOAD_MS) / WEBHOOKS);
        if (due > Date.now()) await sleep(due - Date.now());
        const user = i % USERS;
        const stop = user < STOPPERS && due >= outageStart;
        const wamid = `wamid.pgout.${platform.suffix}.${i}`;
        wamids.push(wamid);
        const raw = inboundWebhook(wamid, user, stop ? 'STOP' : `message ${i}`, due);
        const headers = { 'x-hub-signature-256': signWebhookBody(raw, E2E_APP.appSecret) };
        for (let copy = 0; copy < (i % DUPLICATE_EVERY === 0 ? 2 : 1); copy++) {
          for (;;) {
            const status = await post(ingressUrl, raw, headers);
            tally(webhookStatuses, status);
            if (status === 200) break;
            if (status >= 400 && status < 500 && status !== 429) throw new Error(`ingress refused webhook ${i}: ${status}`);
            await sleep(500);
          }
          if (copy === 1) duplicatesPosted++;
        }
        acknowledged.push(wamid);
      }
    };

    // --- sends: a trickle through the gateway, retried with the same Idempotency-Key ---
    const accepted = new Map<string, number>(); // id -> index
    const sendStatuses = new Map<number, number>();
    let firstAcceptAfterOutage: number | undefined;
    let pgBack: number | undefined;
    let nextSend = 0;
    const sendWorker = async (): Promise<void> => {
      while (nextSend < SENDS) {
        const i = nextSend++;
        const due = t0 + Math.floor((i * LOAD_MS) / SENDS);
        if (due > Date.now()) await sleep(due - Date.now());
        const body = { phoneNumberId: NUMBER.phoneNumberId, to: sendTo(i), type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
        for (;;) {
          const r: HttpResult = await call('POST', `${gw}/v1/messages`, body, { ...auth, 'idempotency-key': `pgout-${platform.suffix}-${i}` })
            .catch((err: Error) => ({ status: 0, body: err.message, headers: new Headers() }));
          tally(sendStatuses, r.status);
          if (r.status === 202) {
            const id = r.body.id as string;
            if (accepted.has(id) && accepted.get(id) !== i) throw new Error(`id ${id} returned for two keys`);
            accepted.set(id, i);
            if (pgBack !== undefined) firstAcceptAfterOutage ??= Date.now();
            break;
          }
          if (r.status !== 0 && r.status < 500 && r.status !== 429) throw new Error(`send ${i} refused: ${r.status} ${JSON.stringify(r.body)}`);
          await sleep(500);
        }
      }
    };

    // --- the outage, while both loads run ---
    const readyDuring: Record<string, number> = {};
    const apiDuring: Record<string, string> = {};
    const outage = (async () => {
      await sleep(outageStart - Date.now());
      await pg.stop(STOP_MODE);
      const stoppedAt = Date.now();
      await sleep(OUTAGE_MS / 2);
      for (const [name, s] of platform.services) readyDuring[name] = (await fetch(`${s.managementUrl}/health/ready`).catch(() => null))?.status ?? 0;
      // What an API client sees meanwhile: 503 + Retry-After (retry), not 500.
      for (const [what, path] of [['contacts', `/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}`], ['messages', '/v1/messages']] as const) {
        const r = await call('GET', `${gw}${path}`, undefined, auth).catch(() => ({ status: 0, headers: new Headers() }));
        apiDuring[what] = `${r.status} retry-after=${r.headers.get('retry-after')}`;
      }
      await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
      await pg.start();
      pgBack = Date.now();
      return pgBack;
    })();

    // From the moment Postgres is back: when is every service ready, and when has the backlog
    // of webhooks acknowledged before that reached the topic?
    let allReadyAt: number | undefined;
    let backlogDrainedAt: number | undefined;
    const acknowledgedBeforeBack: string[] = [];
    const recovery = (async () => {
      await outage;
      acknowledgedBeforeBack.push(...acknowledged);
      const deadline = Date.now() + 180000;
      while ((allReadyAt === undefined || backlogDrainedAt === undefined) && Date.now() < deadline) {
        if (allReadyAt === undefined) {
          const statuses = await Promise.all([...platform.services.values()].map((s) => fetch(`${s.managementUrl}/health/ready`).then((r) => r.status, () => 0)));
          if (statuses.every((st) => st === 200)) allReadyAt = Date.now();
        }
        if (backlogDrainedAt === undefined) {
          const seen = new Set(inbound!.messages.map((m) => m.value.wamid));
          if (acknowledgedBeforeBack.every((w) => seen.has(w))) backlogDrainedAt = Date.now();
        }
        await sleep(250);
      }
    })();

    const [pgBackAt] = await Promise.all([
      outage,
      ...Array.from({ length: 16 }, hookWorker),
      ...Array.from({ length: 4 }, sendWorker),
      recovery,
    ]);
    const loadDoneAt = Date.now();

    // --- every service is still up and ready again ---
    for (const [name, s] of platform.services) expect({ name, exitCode: s.exitCode, output: s.exitCode === null ? '' : s.output.slice(-2000) }).toEqual({ name, exitCode: null, output: '' });
    const notReady = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const [name, s] of platform.services) {
        const r = await call('GET', `${s.managementUrl}/health/ready`).catch(() => ({ status: 0, body: 'unreachable' }));
        if (r.status !== 200) out.push(`${name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
      return out;
    };
    await waitFor(async () => (await notReady()).length === 0, { timeoutMs: 120000, intervalMs: 500, what: 'every service ready again' })
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${(await notReady()).join('; ')}`); });
    const readyAt = Date.now();

    // --- every inbound message normalized exactly once ---
    const inboundCounts = (): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const m of inbound!.messages) counts.set(m.value.wamid, (counts.get(m.value.wamid) ?? 0) + 1);
      return counts;
    };
    const mineIn = new Set(wamids);
    await waitFor(() => wamids.every((w) => inboundCounts().has(w)), { timeoutMs: 120000, intervalMs: 1000, what: `all ${WEBHOOKS} inbound messages on the topic` })
      .catch((err: Error) => { throw new Error(`${err.message}: ${wamids.filter((w) => !inboundCounts().has(w)).length} missing`); });
    const inboundAllAt = Date.now();

    // --- every accepted send sent exactly once (sandbox call log) ---
    type SandboxCall = { body: { biz_opaque_callback_data?: string; to?: string }; httpStatus: number };
    const calls = async (): Promise<SandboxCall[]> => (await call('GET', `${sandbox}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls as SandboxCall[];
    const sentCounts = async (): Promise<Map<string, number>> => {
      const counts = new Map<string, number>();
      for (const c of await calls()) {
        const id = c.body.biz_opaque_callback_data;
        if (c.httpStatus === 200 && id !== undefined && accepted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    };
    await waitFor(async () => (await sentCounts()).size >= accepted.size, { timeoutMs: 120000, intervalMs: 1000, what: `all ${accepted.size} accepted sends at the sandbox` })
      .catch(async (err: Error) => {
        const live = await platform.query('dispatcher', `SELECT status, count(*)::int AS n FROM messages GROUP BY status`);
        throw new Error(`${err.message}: ${(await sentCounts()).size} sent; dispatcher: ${JSON.stringify(live)}`);
      });
    const sendsAllAt = Date.now();

    // --- contacts exist, windows and opt-outs reached the dispatcher ---
    const listContacts = async (): Promise<{ waId: string; optedOut: boolean }[]> => {
      const all: { waId: string; optedOut: boolean }[] = [];
      let cursor: string | null = null;
      do {
        const r = await call('GET', `${gw}/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`, undefined, auth);
        if (r.status !== 200) throw new Error(`contacts list: ${r.status} ${JSON.stringify(r.body)}`);
        all.push(...(r.body.data as { waId: string; optedOut: boolean }[]));
        cursor = r.body.nextCursor as string | null;
      } while (cursor);
      return all;
    };
    const users = Array.from({ length: USERS }, (_, u) => waId(u));
    const stoppers = users.slice(0, STOPPERS);
    const contactsOk = async (): Promise<string | undefined> => {
      const byWaId = new Map((await listContacts()).map((c) => [c.waId, c]));
      const missing = users.filter((u) => !byWaId.has(u));
      const wrong = users.filter((u, i) => byWaId.has(u) && byWaId.get(u)!.optedOut !== i < STOPPERS);
      return missing.length + wrong.length === 0 ? undefined : `${missing.length} contacts missing, ${wrong.length} with the wrong consent`;
    };
    await waitFor(async () => (await contactsOk()) === undefined, { timeoutMs: 60000, intervalMs: 1000, what: 'every contact with its consent' })
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${await contactsOk()}`); });
    const dispatcherView = async (): Promise<{ known: number; open: number; optedOut: string[] }> => {
      const rows = await platform.query<{ recipient: string; opted_out: boolean; open: boolean }>('dispatcher',
        `SELECT recipient, opted_out, window_open_until > now() AS open FROM contacts WHERE phone_number_id = $1`, [NUMBER.phoneNumberId]);
      const mine = rows.filter((r) => users.includes(r.recipient));
      return { known: mine.length, open: mine.filter((r) => r.open).length, optedOut: mine.filter((r) => r.opted_out).map((r) => r.recipient).sort() };
    };
    await waitFor(async () => {
      const v = await dispatcherView();
      return v.known === USERS && v.open === USERS && v.optedOut.length === STOPPERS;
    }, { timeoutMs: 60000, intervalMs: 1000, what: 'the dispatcher to know every window and opt-out' })
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${JSON.stringify({ ...(await dispatcherView()), optedOut: undefined })}`); });
    expect((await dispatcherView()).optedOut).toEqual([...stoppers].sort());

    // A send to an opted-out user after the outage is refused, not sent.
    const refusedIds: string[] = [];
    for (const to of stoppers) {
      const r = await call('POST', `${gw}/v1/messages`, { phoneNumberId: NUMBER.phoneNumberId, to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, auth);
      expect(r.status).toBe(202);
      refusedIds.push(r.body.id as string);
    }
    const decisions = await waitFor(async () => {
      const out: { status: string; error?: { class?: string } }[] = [];
      for (const id of refusedIds) {
        const g = await call('GET', `${gw}/v1/messages/${id}`, undefined, auth);
        if (!g.body?.status || g.body.status === 'accepted') return undefined;
        out.push(g.body);
      }
      return out;
    }, { timeoutMs: 60000, intervalMs: 1000, what: 'a decision on every send to an opted-out user' });
    for (const d of decisions) expect(d).toMatchObject({ status: expect.stringMatching(/^(rejected|failed)$/), error: { class: 'compliance' } });

    // --- settle, then count everything once more ---
    await sleep(5000);
    const finalCalls = await calls();
    expect(finalCalls.filter((c) => stoppers.includes(c.body.to ?? '') || refusedIds.includes(c.body.biz_opaque_callback_data ?? ''))).toEqual([]);
    const sent = await sentCounts();
    const sendsMissing = [...accepted.keys()].filter((id) => !sent.has(id));
    const sendsDoubled = [...sent.entries()].filter(([, n]) => n > 1);
    // Per recipient too (each send has its own): catches a second command under another id.
    const perRecipient = new Map<string, number>();
    for (const c of finalCalls) if (c.httpStatus === 200 && c.body.to !== undefined) perRecipient.set(c.body.to, (perRecipient.get(c.body.to) ?? 0) + 1);
    const recipientsDoubled = Array.from({ length: SENDS }, (_, i) => sendTo(i)).filter((to) => (perRecipient.get(to) ?? 0) > 1);
    const inCounts = inboundCounts();
    const inMissing = wamids.filter((w) => !inCounts.has(w));
    const inDoubled = [...inCounts.entries()].filter(([w, n]) => mineIn.has(w) && n > 1);

    // --- nothing dead-lettered anywhere in this run ---
    const topics = (await admin!.listTopics()).filter((t) => t.endsWith(`.${platform.suffix}`));
    const dlqTopics = topics.filter((t) => t.includes('.dlq.'));
    const dlq: Record<string, number> = {};
    for (const t of dlqTopics) {
      dlq[t.slice(0, -platform.suffix.length - 1)] = (await admin!.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high), 0);
    }
    const dlqTotal = Object.values(dlq).reduce((a, b) => a + b, 0);

    const since = (t: number | undefined): string => (t === undefined ? '?' : `${((t - pgBackAt) / 1000).toFixed(1)}s`);
    const fmt = (m: Map<number, number>): string => [...m.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
    console.log([
      `postgres outage drill: ${OUTAGE_MS / 1000}s outage (stop -m ${STOP_MODE})`,
      `webhooks ${WEBHOOKS} (+${duplicatesPosted} Meta duplicates; answers ${fmt(webhookStatuses)})`,
      `inbound on topic ${inCounts.size}/${WEBHOOKS}, missing ${inMissing.length}, doubled ${inDoubled.length}`,
      `sends accepted ${accepted.size}/${SENDS} (answers ${fmt(sendStatuses)}), sent ${sent.size}, missing ${sendsMissing.length}, doubled ${sendsDoubled.length} (by recipient ${recipientsDoubled.length})`,
      `opt-outs ${STOPPERS} known to dispatcher, ${refusedIds.length} later sends refused, 0 Graph calls for them`,
      `DLQ ${dlqTotal} ${JSON.stringify(dlq)} over ${dlqTopics.length} DLQ topics`,
      `readiness during outage ${JSON.stringify(readyDuring)}, API during outage ${JSON.stringify(apiDuring)}`,
      `after Postgres is back: first send accepted +${since(firstAcceptAfterOutage)}, every service ready +${since(allReadyAt ?? readyAt)}, ${acknowledgedBeforeBack.length} webhooks acknowledged before it on the topic +${since(backlogDrainedAt)}, load done +${since(loadDoneAt)}, all inbound +${since(inboundAllAt)}, all sent +${since(sendsAllAt)}`,
    ].join(' | '));

    expect(dlq).toEqual(Object.fromEntries(Object.keys(dlq).map((k) => [k, 0])));
    expect(inMissing).toEqual([]);
    expect(inDoubled).toEqual([]);
    expect(accepted.size).toBe(SENDS);
    expect(sendsMissing).toEqual([]);
    expect(sendsDoubled).toEqual([]);
    expect(recipientsDoubled).toEqual([]);
    for (const [name, s] of platform.services) expect({ name, exitCode: s.exitCode }).toEqual({ name, exitCode: null });
    expect(Object.values(readyDuring).some((s) => s === 503)).toBe(true); // the outage was seen
    // The gateway told clients to come back (503 + Retry-After), never "internal error".
    expect(sendStatuses.get(500) ?? 0).toBe(0);
    expect(apiDuring).toEqual({ contacts: '503 retry-after=5', messages: '503 retry-after=5' });
  }, 420000);
});
