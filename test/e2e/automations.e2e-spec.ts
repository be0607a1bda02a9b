import { ServiceProcess, waitFor } from '@wabridge/testing';
import { call, Platform } from './platform-harness';

/*
 * Issue 14's automations end to end: the whole platform as real processes (gateway, ingress,
 * dispatcher, contacts, conversations; the sandbox as Meta), rules through the gateway's
 * `/v1/automations/rules`, users writing through the sandbox's `/_sandbox/inbound`, and the
 * sandbox's call log (what reached "Meta") as the outside oracle of every automated and agent send.
 *
 * "Out of hours" is made deterministic by the schedule, not by a clock: the away rule's opening
 * hours are every weekday except today's (UTC), so today is closed all day. A run that crosses
 * midnight UTC between creating the rule and the away step would see the business open (the
 * away step then fails; the run lasts about a minute).
 */
const CHAT_NUMBER = { phoneNumberId: '109000000001601', displayPhoneNumber: '15550001601', wabaId: '209000000001601', accessToken: 'automations-e2e-chat' };
const USER = '4915112340001';
/** Two numbers of the platform whose automations answer everything, writing to each other. */
const BUDGET_PAIR = [
  { phoneNumberId: '109000000001701', displayPhoneNumber: '15550001701', wabaId: '209000000001701', accessToken: 'automations-e2e-p' },
  { phoneNumberId: '109000000001702', displayPhoneNumber: '15550001702', wabaId: '209000000001702', accessToken: 'automations-e2e-q' },
] as const;
const COOLDOWN_PAIR = [
  { phoneNumberId: '109000000001801', displayPhoneNumber: '15550001801', wabaId: '209000000001801', accessToken: 'automations-e2e-r' },
  { phoneNumberId: '109000000001802', displayPhoneNumber: '15550001802', wabaId: '209000000001802', accessToken: 'automations-e2e-s' },
] as const;
/** Automated replies one contact gets per hour at most (AUTOMATIONS_REPLY_BUDGET). */
const BUDGET = 6;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface SandboxCall { at: string; phoneNumberId: string; to: string | null; body: Record<string, any>; httpStatus: number; response: any }

describe('automations end to end against the sandbox', () => {
  let platform: Platform;
  let gateway: ServiceProcess;
  let sandbox: ServiceProcess;
  const keys = new Map<string, string>();

  const api = (phoneNumberId: string, method: string, path: string, body?: unknown) =>
    call(method, `${gateway.url}${path}`, body, { authorization: `Bearer ${keys.get(phoneNumberId)}` });

  async function rule(phoneNumberId: string, body: Record<string, unknown>): Promise<{ id: string }> {
    const r = await api(phoneNumberId, 'POST', '/v1/automations/rules', { phoneNumberId, ...body });
    if (r.status !== 201) throw new Error(`rule: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async function calls(phoneNumberId: string): Promise<SandboxCall[]> {
    const r = await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${phoneNumberId}`);
    // only sends (the read receipt route logs too, without `to`)
    return (r.body.calls as SandboxCall[]).filter((c) => c.to !== null);
  }

  async function history(phoneNumberId: string, waId: string): Promise<{ id: string; messages: any[]; conversation: any } | undefined> {
    const list = await api(phoneNumberId, 'GET', `/v1/conversations?phoneNumberId=${phoneNumberId}&waId=${waId}`);
    const conversation = list.body?.data?.[0];
    if (!conversation) return undefined;
    const messages = (await api(phoneNumberId, 'GET', `/v1/conversations/${conversation.id}/messages?limit=200`)).body.data;
    return { id: conversation.id, messages, conversation };
  }

  beforeAll(async () => {
    platform = new Platform({
      conversations: true,
      serviceEnv: {
        sandbox: { STATUS_SENT_DELAY_MS: '50', STATUS_DELIVERED_DELAY_MS: '150', STATUS_READ_DELAY_MS: '400' },
        conversations: { AUTOMATIONS_REPLY_BUDGET: String(BUDGET) },
        gateway: { RATE_LIMIT_PER_MINUTE: '100000' },
      },
    });
    await platform.start();
    gateway = platform.get('gateway');
    sandbox = platform.get('sandbox');
    for (const n of [CHAT_NUMBER, ...BUDGET_PAIR, ...COOLDOWN_PAIR]) keys.set(n.phoneNumberId, await platform.onboard({ ...n, mps: 80 }));
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
  }, 120_000);

  it('a scripted chat: welcome, keyword reply, button reply, away message, hand-off, agent reply — in the history in order, as the sandbox saw it', async () => {
    const N = CHAT_NUMBER.phoneNumberId;
    const today = WEEKDAYS[new Date().getUTCDay()]!;
    await rule(N, { name: 'welcome', trigger: { type: 'welcome' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Welcome to ACME! Write "menu".' } } }] });
    await rule(N, {
      name: 'menu', trigger: { type: 'keyword', keywords: ['menu'] },
      actions: [{ type: 'reply', message: { type: 'interactive', interactive: { type: 'button', body: { text: 'How can we help?' }, action: { buttons: [{ type: 'reply', reply: { id: 'opt_hours', title: 'Opening hours' } }, { type: 'reply', reply: { id: 'opt_agent', title: 'An agent' } }] } } } }],
    });
    await rule(N, { name: 'hours', trigger: { type: 'interactive', ids: ['opt_hours'] }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Mon-Fri 9-17' } } }] });
    await rule(N, {
      name: 'hand-off', trigger: { type: 'interactive', ids: ['opt_agent'] },
      actions: [{ type: 'assign', assignee: 'queue:support' }, { type: 'reply', message: { type: 'text', text: { body: 'An agent will answer you here.' } } }],
    });
    await rule(N, {
      name: 'away', cooldownSeconds: 0,
      trigger: { type: 'away', timezone: 'UTC', schedule: [{ days: WEEKDAYS.filter((d) => d !== today), from: '00:00', to: '24:00' }] },
      actions: [{ type: 'reply', message: { type: 'text', text: { body: 'We are closed today; we answer tomorrow.' } } }],
    });

    const wamids: string[] = [];
    /** The user writes; when `replies`, waits for that many sends to them in the call log, then for the history to hold them (next step in a later second: Meta's timestamps have whole seconds). */
    async function step(message: Record<string, unknown>, sendsAfter: number): Promise<void> {
      const r = await call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: N, from: USER, profileName: 'Ada', message });
      expect(r.status).toBe(202);
      wamids.push(r.body.wamid);
      await waitFor(async () => (await calls(N)).length === sendsAfter, { what: `${sendsAfter} sends after ${JSON.stringify(message).slice(0, 60)}`, timeoutMs: 60_000 });
      const h = await waitFor(async () => {
        const got = await history(N, USER);
        return got && got.messages.some((m) => m.id === r.body.wamid) && got.messages.filter((m) => m.direction === 'outbound').length === sendsAfter ? got : undefined;
      }, { what: 'the history', timeoutMs: 60_000 });
      const lastAt = Math.max(...h.messages.map((m) => Date.parse(m.at)));
      await waitFor(() => Math.floor(Date.now() / 1000) > Math.floor(lastAt / 1000), { what: 'the next second' });
    }

    await step({ type: 'text', text: { body: 'Hi' } }, 1); // welcome
    await step({ type: 'text', text: { body: 'Menu' } }, 2); // keyword
    await step({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'opt_hours', title: 'Opening hours' } } }, 3); // button
    await step({ type: 'text', text: { body: 'is anyone there?' } }, 4); // away
    await step({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'opt_agent', title: 'An agent' } } }, 5); // hand-off
    await step({ type: 'text', text: { body: 'hello??' } }, 5); // assigned: quiet

    const before = await history(N, USER);
    expect(before!.conversation.assignee).toBe('queue:support');
    const agent = await api(N, 'POST', `/v1/conversations/${before!.id}/messages`, { type: 'text', text: { body: 'Hi Ada, this is Ana from support.' } });
    expect(agent.status).toBe(202);
    // the dispatcher sends a number's commands in order: a reply to "hello??" would be in the log before the agent's
    await waitFor(async () => (await calls(N)).some((c) => c.body.biz_opaque_callback_data === agent.body.id), { what: 'the agent reply at the sandbox', timeoutMs: 60_000 });
    const log = await calls(N);
    expect(log.map((c) => [c.httpStatus, c.to])).toEqual(Array(6).fill([200, USER]));
    expect(log.map((c) => c.body.text?.body ?? c.body.interactive?.body?.text)).toEqual([
      'Welcome to ACME! Write "menu".', 'How can we help?', 'Mon-Fri 9-17', 'We are closed today; we answer tomorrow.', 'An agent will answer you here.', 'Hi Ada, this is Ana from support.',
    ]);

    // the history API shows every step in order; its outbound ids are the ones the sandbox saw
    const final = await waitFor(async () => {
      const h = await history(N, USER);
      return h && h.messages.length === 12 ? h : undefined;
    }, { what: 'the agent reply in the history', timeoutMs: 30_000 });
    const sent = log.map((c) => c.body.biz_opaque_callback_data as string);
    expect(final.messages.map((m) => [m.direction, m.id])).toEqual([
      ['inbound', wamids[0]], ['outbound', sent[0]], ['inbound', wamids[1]], ['outbound', sent[1]], ['inbound', wamids[2]], ['outbound', sent[2]],
      ['inbound', wamids[3]], ['outbound', sent[3]], ['inbound', wamids[4]], ['outbound', sent[4]], ['inbound', wamids[5]], ['outbound', sent[5]],
    ]);
    expect(final.messages[4]).toMatchObject({ type: 'interactive', content: { interactive: { button_reply: { id: 'opt_hours' } } } });
    expect(final.messages[3]).toMatchObject({ type: 'interactive', content: { interactive: { type: 'button' } } });
    // automated sends are ordinary messages: GET /v1/messages/:id follows them to delivery
    for (const id of sent) {
      await waitFor(async () => ['delivered', 'read'].includes((await api(N, 'GET', `/v1/messages/${id}`)).body.status), { what: `message ${id} delivered`, timeoutMs: 30_000 });
    }
    const welcome = (await api(N, 'GET', `/v1/messages/${sent[0]}`)).body;
    expect(welcome).toMatchObject({ id: sent[0], phoneNumberId: N, to: USER, type: 'text', wamid: log[0]!.response?.messages?.[0]?.id });
  }, 240_000);

  it('no auto-reply storm: two numbers of the platform answering each other stop — after the cooldown, or at the reply budget — and nothing is lost', async () => {
    const [P, Q] = BUDGET_PAIR;
    const [R, S] = COOLDOWN_PAIR;
    for (const n of [P, Q]) await rule(n.phoneNumberId, { name: 'echo', cooldownSeconds: 0, trigger: { type: 'any' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: `auto from ${n.displayPhoneNumber}` } } }] });
    for (const n of [R, S]) await rule(n.phoneNumberId, { name: 'echo', cooldownSeconds: 600, trigger: { type: 'any' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: `auto from ${n.displayPhoneNumber}` } } }] });

    // each exchange starts with a template (no window needed); the sandbox delivers it to the other number
    for (const [from, to] of [[P, Q], [R, S]] as const) {
      const t = await api(from.phoneNumberId, 'POST', '/v1/messages', { phoneNumberId: from.phoneNumberId, to: to.displayPhoneNumber, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
      expect(t.status).toBe(202);
    }

    // The exchange ends when the last message one side received was folded and its rule decided not to answer.
    const decided = (n: { phoneNumberId: string }, why: string) => platform.query<{ n: number }>(
      'conversations', `SELECT count(*)::int AS n FROM automation_firings f JOIN conversations c ON c.id = f.conversation_id WHERE c.phone_number_id = $1 AND f.skipped = $2`, [n.phoneNumberId, why],
    ).then((rows) => rows[0]!.n);
    await waitFor(async () => (await decided(S, 'cooldown')) === 1, { what: 'S quiet in its cooldown', timeoutMs: 90_000 });
    await waitFor(async () => (await decided(Q, 'budget')) === 1, { what: 'Q quiet at its budget', timeoutMs: 120_000 });

    // the sandbox's call log: R template + 1 reply, S 1 reply; P template + BUDGET replies, Q BUDGET replies
    const counts = async () => Promise.all([P, Q, R, S].map(async (n) => (await calls(n.phoneNumberId)).length));
    await waitFor(async () => JSON.stringify(await counts()) === JSON.stringify([1 + BUDGET, BUDGET, 2, 1]), { what: 'the final call counts', timeoutMs: 30_000 });
    for (const n of [P, Q, R, S]) expect((await calls(n.phoneNumberId)).every((c) => c.httpStatus === 200)).toBe(true);

    // nothing lost: each side's history holds every message of the exchange, each send delivered
    const both = async (a: { phoneNumberId: string }, b: { displayPhoneNumber: string }) => (await history(a.phoneNumberId, b.displayPhoneNumber))?.messages ?? [];
    await waitFor(async () => (await both(P, Q)).length === 1 + 2 * BUDGET && (await both(Q, P)).length === 1 + 2 * BUDGET, { what: 'both histories of P and Q', timeoutMs: 30_000 });
    await waitFor(async () => (await both(R, S)).length === 3 && (await both(S, R)).length === 3, { what: 'both histories of R and S', timeoutMs: 30_000 });
    // (directions counted, not ordered: the other side's reply carries Meta's whole-second timestamp and may sort before ours in the same second)
    const directions = (msgs: any[]) => ({ inbound: msgs.filter((m) => m.direction === 'inbound').length, outbound: msgs.filter((m) => m.direction === 'outbound').length });
    const pq = await both(P, Q);
    expect(directions(pq)).toEqual({ inbound: BUDGET, outbound: 1 + BUDGET });
    expect(directions(await both(Q, P))).toEqual({ inbound: 1 + BUDGET, outbound: BUDGET });
    expect(directions(await both(S, R))).toEqual({ inbound: 2, outbound: 1 });
    for (const [n, msgs] of [[P, pq], [Q, await both(Q, P)]] as const) {
      for (const m of msgs.filter((x: any) => x.direction === 'outbound')) {
        await waitFor(async () => ['delivered', 'read'].includes((await api(n.phoneNumberId, 'GET', `/v1/messages/${m.id}`)).body.status), { what: `${m.id} delivered`, timeoutMs: 30_000 });
      }
    }
  }, 300_000);
});
