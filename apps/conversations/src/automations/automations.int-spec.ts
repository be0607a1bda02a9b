import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTACT_TAGS_REQUESTED_V1, ContactTagsRequestedV1, OUTBOUND_REQUESTED_V1, OutboundRequestedV1 } from '@wabridge/contracts';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { ManualClock } from '@wabridge/time';
import { ChatScript, fixtureMessage } from '../testing/chat-script';
import { ConversationsHarness } from '../testing/conversations-harness';
import { ConversationRetentionService } from '../retention/conversation-retention.service';
import { automationMessageId } from './automation-ids';

const S = 1000;

/**
 * Automations on the real broker and database: rules through the API, evaluated on inbound
 * messages published to wa.inbound.message.v1; the replies seen as the commands on
 * wa.outbound.requested.v1 (the outside oracle) and in the history the service folds from them.
 */
describe('automations (real Kafka and Postgres)', () => {
  const h = new ConversationsHarness();
  const clock = new ManualClock(Math.floor(Date.now() / S) * S);
  const tenant = `ta-${h.suffix}`;
  const w = (name: string) => `wamid.${h.suffix}.${name}`;
  let commands: TopicCollector<OutboundRequestedV1>;
  let tags: TopicCollector<ContactTagsRequestedV1>;
  let receiver: Server;
  let receiverUrl: string;
  const forwarded: { headers: IncomingMessage['headers']; body: any }[] = [];
  let phoneSeq = 0;
  const newPhone = () => `1666${String(Date.now() % 1_000_000).padStart(6, '0')}${++phoneSeq}`;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => {
        forwarded.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await h.start({ AUTOMATIONS_ALLOWED_TARGETS: '127.0.0.1', AUTOMATIONS_REPLY_BUDGET: '4', AUTOMATIONS_MAX_RULES_PER_TENANT: '30' }, { clock });
    commands = await TopicCollector.start(OUTBOUND_REQUESTED_V1, h.suffix);
    tags = await TopicCollector.start(CONTACT_TAGS_REQUESTED_V1, h.suffix);
  }, 90_000);

  afterAll(async () => {
    await commands?.stop();
    await tags?.stop();
    await h.stop();
    await new Promise((r) => receiver?.close(r));
  });

  async function createRule(body: Record<string, unknown>, t = tenant): Promise<any> {
    const r = await h.http('POST', '/v1/automations/rules', { tenant: t, body });
    expect([r.status, r.body?.error]).toEqual([201, undefined]);
    return r.body;
  }

  async function historyOf(phone: string, waId: string): Promise<any[]> {
    const list = await h.http('GET', `/v1/conversations?phoneNumberId=${phone}&waId=${waId}`, { tenant });
    const c = list.body.data[0];
    if (!c) return [];
    return (await h.http('GET', `/v1/conversations/${c.id}/messages?limit=200`, { tenant })).body.data;
  }

  const repliesTo = (phone: string) => commands.values().filter((c) => c.phoneNumberId === phone);

  /** Publishes one user message and waits until it is folded (its inbound row is in the history). */
  async function say(chat: ChatScript, wamid: string, raw: Record<string, unknown>): Promise<void> {
    chat.events.length = 0;
    chat.inbound(wamid, new Date(clock.now()), raw);
    await h.publish(chat.events);
    await waitFor(async () => (await historyOf(chat.phoneNumberId, chat.waId)).some((m) => m.id === wamid), { what: `${wamid} folded`, timeoutMs: 40_000 });
  }

  it('manages rules: create, list in order, get, patch, delete; 400 with every problem, 404 across tenants, 409 at the limit', async () => {
    const phone = newPhone();
    const a = await createRule({ phoneNumberId: phone, name: 'b-second', trigger: { type: 'any' }, actions: [{ type: 'tag', tags: ['x'] }] });
    const b = await createRule({ phoneNumberId: phone, name: 'a-first', position: 1, trigger: { type: 'keyword', keywords: ['hi'] }, actions: [{ type: 'assign', assignee: 'queue:sales' }] });
    expect(a).toMatchObject({ phoneNumberId: phone, position: 10, enabled: true, continueAfter: false, cooldownSeconds: 300, trigger: { type: 'any' } });
    expect(b.trigger).toEqual({ type: 'keyword', keywords: ['hi'], match: 'exact' });
    expect((await h.http('GET', `/v1/automations/rules?phoneNumberId=${phone}`, { tenant })).body.data.map((r: any) => r.name)).toEqual(['a-first', 'b-second']);
    expect((await h.http('GET', `/v1/automations/rules/${a.id}`, { tenant })).body).toEqual(a);
    const patched = await h.http('PATCH', `/v1/automations/rules/${a.id}`, { tenant, body: { enabled: false, cooldownSeconds: 10 } });
    expect(patched.body).toMatchObject({ id: a.id, enabled: false, cooldownSeconds: 10, name: 'b-second' });

    const bad = await h.http('POST', '/v1/automations/rules', {
      tenant,
      body: {
        phoneNumberId: phone, name: 'bad', trigger: { type: 'regex', pattern: '(a)\\1' },
        actions: [{ type: 'reply', message: { type: 'text', text: { body: '' } } }, { type: 'forward', url: 'http://169.254.169.254/latest' }, { type: 'tag', tags: ['-no'] }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field)).toEqual(['trigger.pattern', 'actions[0].message', 'actions[2].tags', 'actions[1].url']);
    expect(bad.body.error.message).toMatch(/linear time/);
    expect(bad.body.error.details[3].problems[0]).toMatch(/link-local/);
    for (const trigger of [{ type: 'away', timezone: 'Mars/Base', schedule: [] }, { type: 'away', timezone: 'UTC', schedule: [{ days: ['mon'], from: '09:00', to: '09:00' }] }, { type: 'nope' }]) {
      expect((await h.http('POST', '/v1/automations/rules', { tenant, body: { phoneNumberId: phone, name: 'x', trigger, actions: [{ type: 'tag', tags: ['x'] }] } })).status).toBe(400);
    }
    const optOutReply = await h.http('POST', '/v1/automations/rules', {
      tenant, body: { phoneNumberId: phone, name: 'x', trigger: { type: 'opt_out', keywords: ['stop'] }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'bye' } } }] },
    });
    expect(optOutReply.body.error.message).toMatch(/opt_out rule cannot reply/);

    const other = `tb-${h.suffix}`;
    for (const [method, body] of [['GET', undefined], ['PATCH', { enabled: true }], ['DELETE', undefined]] as const) {
      expect((await h.http(method, `/v1/automations/rules/${a.id}`, { tenant: other, body })).status).toBe(404);
    }
    expect((await h.http('GET', '/v1/automations/rules', { tenant: other })).body).toEqual({ data: [] });

    expect((await h.http('DELETE', `/v1/automations/rules/${a.id}`, { tenant })).status).toBe(204);
    expect((await h.http('GET', `/v1/automations/rules/${a.id}`, { tenant })).status).toBe(404);

    const limited = `tl-${h.suffix}`;
    for (let i = 0; i < 30; i++) await createRule({ phoneNumberId: phone, name: `r${i}`, trigger: { type: 'any' }, actions: [{ type: 'tag', tags: ['x'] }] }, limited);
    const over = await h.http('POST', '/v1/automations/rules', { tenant: limited, body: { phoneNumberId: phone, name: 'one too many', trigger: { type: 'any' }, actions: [{ type: 'tag', tags: ['x'] }] } });
    expect([over.status, over.body.error.code]).toEqual([409, 'limit_reached']);
  }, 60_000);

  it('welcomes, answers a keyword and a button, tags, forwards, hands off — then stays quiet; history in order; redelivery sends nothing twice', async () => {
    const phone = newPhone();
    const chat = new ChatScript(tenant, phone, '4915111110001');
    const welcome = await createRule({ phoneNumberId: phone, name: 'welcome', trigger: { type: 'welcome' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Welcome to ACME!' } } }] });
    const prices = await createRule({
      phoneNumberId: phone, name: 'prices', trigger: { type: 'keyword', keywords: ['price'], match: 'contains' },
      actions: [{ type: 'reply', message: { type: 'interactive', interactive: { type: 'button', body: { text: 'Which plan?' }, action: { buttons: [{ type: 'reply', reply: { id: 'plan_pro', title: 'Pro' } }] } } } }],
    });
    const button = await createRule({
      phoneNumberId: phone, name: 'plan chosen', trigger: { type: 'interactive', ids: ['plan_pro'] },
      actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Pro costs 10 EUR' } } }, { type: 'tag', tags: ['lead', 'plan:pro'] }, { type: 'forward', url: receiverUrl }],
    });
    await createRule({ phoneNumberId: phone, name: 'human', trigger: { type: 'regex', pattern: '\\b(agent|human)\\b', caseInsensitive: true }, actions: [{ type: 'assign', assignee: 'queue:support' }] });
    await createRule({ phoneNumberId: phone, name: 'fallback', trigger: { type: 'any' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Sorry?' } } }] });

    await say(chat, w('c1'), { type: 'text', text: { body: 'Hello' } });
    clock.advance(5 * S);
    await say(chat, w('c2'), { type: 'text', text: { body: 'What is the price?' } });
    clock.advance(5 * S);
    const reply = fixtureMessage('message-interactive-button-reply--pywa-1.json') as any;
    reply.interactive.button_reply = { id: 'plan_pro', title: 'Pro' };
    await say(chat, w('c3'), reply);
    clock.advance(5 * S);
    await say(chat, w('c4'), { type: 'text', text: { body: 'I want a HUMAN please' } });
    clock.advance(5 * S);
    await say(chat, w('c5'), { type: 'text', text: { body: 'hello?' } });

    await waitFor(() => repliesTo(phone).length >= 3, { what: 'three replies' });
    const replies = repliesTo(phone);
    expect(replies.map((c) => [c.metadata?.automationRuleId, c.metadata?.automationInboundWamid, c.type])).toEqual([
      [welcome.id, w('c1'), 'text'], [prices.id, w('c2'), 'interactive'], [button.id, w('c3'), 'text'],
    ]);
    expect(replies[0]).toMatchObject({
      tenantId: tenant, phoneNumberId: phone, to: chat.waId, source: 'kafka', message: { type: 'text', text: { body: 'Welcome to ACME!' } },
      idempotencyKey: `automation:${welcome.id}:${w('c1')}`,
    });
    expect(replies[0]!.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    // the history (folded from the same topics) shows every step in order; the replies by our id
    await waitFor(async () => (await historyOf(phone, chat.waId)).length === 8, { what: 'the history with the replies' });
    const history = await historyOf(phone, chat.waId);
    expect(history.map((m) => [m.direction, m.id])).toEqual([
      ['inbound', w('c1')], ['outbound', replies[0]!.id], ['inbound', w('c2')], ['outbound', replies[1]!.id],
      ['inbound', w('c3')], ['outbound', replies[2]!.id], ['inbound', w('c4')], ['inbound', w('c5')],
    ]);
    const conv = (await h.http('GET', `/v1/conversations?phoneNumberId=${phone}`, { tenant })).body.data[0];
    expect(conv.assignee).toBe('queue:support');

    await waitFor(() => tags.values().some((t) => t.phoneNumberId === phone), { what: 'the tag command' });
    expect(tags.values().filter((t) => t.phoneNumberId === phone)).toEqual([
      expect.objectContaining({ tenantId: tenant, waId: chat.waId, tags: ['lead', 'plan:pro'], source: 'automation', ruleId: button.id, wamid: w('c3') }),
    ]);
    await waitFor(() => forwarded.some((f) => f.body.data.wamid === w('c3')), { what: 'the forward' });
    const fwd = forwarded.find((f) => f.body.data.wamid === w('c3'))!;
    expect(fwd.headers['webhook-id']).toBe(`${w('c3')}:${button.id}`);
    expect(fwd.body).toMatchObject({
      type: 'automation.forwarded', data: { tenantId: tenant, phoneNumberId: phone, ruleId: button.id, from: { waId: chat.waId }, message: { type: 'interactive', interactive: { button_reply: { id: 'plan_pro' } } } },
    });

    // every inbound again (Kafka redelivers): no second reply, tag or forward
    const all = new ChatScript(tenant, phone, chat.waId);
    for (const [i, raw] of [{ type: 'text', text: { body: 'Hello' } }, { type: 'text', text: { body: 'What is the price?' } }, reply].entries()) {
      all.inbound(w(`c${i + 1}`), new Date(clock.now()), raw);
    }
    await h.publish(all.events);
    // a sentinel on the same partition: a new contact's welcome comes after the redeliveries were folded
    const sentinel = new ChatScript(tenant, phone, '4915111110099');
    await say(sentinel, w('sentinel'), { type: 'text', text: { body: 'hi' } });
    await waitFor(() => repliesTo(phone).some((c) => c.to === sentinel.waId), { what: 'the sentinel welcome' });
    expect(repliesTo(phone).filter((c) => c.to === chat.waId)).toHaveLength(3);
    expect(tags.values().filter((t) => t.phoneNumberId === phone)).toHaveLength(1);
    expect(forwarded.filter((f) => f.body.data.wamid === w('c3'))).toHaveLength(1);

    // unassigned: automations answer again (the fallback)
    expect((await h.http('PUT', `/v1/conversations/${conv.id}/assignee`, { tenant, body: { assignee: null } })).status).toBe(200);
    clock.advance(5 * S);
    await say(chat, w('c6'), { type: 'text', text: { body: 'anyone?' } });
    await waitFor(() => repliesTo(phone).filter((c) => c.to === chat.waId).length === 4, { what: 'the fallback after the hand-back' });
    expect(repliesTo(phone).filter((c) => c.to === chat.waId)[3]!.message).toEqual({ type: 'text', text: { body: 'Sorry?' } });
  }, 120_000);

  it('sends the away message out of hours only (fake clock), request_welcome gets the welcome', async () => {
    const phone = newPhone();
    const chat = new ChatScript(tenant, phone, '4915111110002');
    await createRule({ phoneNumberId: phone, name: 'welcome', trigger: { type: 'welcome' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Hi!' } } }] });
    await createRule({
      phoneNumberId: phone, name: 'away', cooldownSeconds: 0,
      trigger: { type: 'away', timezone: 'Europe/Berlin', schedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] },
      actions: [{ type: 'reply', message: { type: 'text', text: { body: 'We are closed; back at 9.' } } }],
    });
    const saved = clock.now();
    try {
      clock.set(Date.UTC(2026, 0, 5, 10, 0)); // Monday 11:00 in Berlin
      await say(chat, w('aw0'), fixtureMessage('message-request-welcome--pywa-1.json'));
      clock.advance(60 * S);
      await say(chat, w('aw1'), { type: 'text', text: { body: 'open?' } });
      clock.set(Date.UTC(2026, 0, 5, 19, 0)); // 20:00 in Berlin
      await say(chat, w('aw2'), { type: 'text', text: { body: 'open now?' } });
      await waitFor(() => repliesTo(phone).length === 2, { what: 'welcome and away' });
      expect(repliesTo(phone).map((c) => [c.metadata?.automationInboundWamid, (c.message as any).text.body])).toEqual([
        [w('aw0'), 'Hi!'], [w('aw2'), 'We are closed; back at 9.'],
      ]);
    } finally {
      clock.set(saved + 3_600 * S);
    }
  }, 60_000);

  it('stops an auto-reply loop: a rule is quiet for its cooldown, a contact gets at most the budget of replies per window', async () => {
    const phone = newPhone();
    const chat = new ChatScript(tenant, phone, '4915111110003');
    const echo = await createRule({ phoneNumberId: phone, name: 'echo', cooldownSeconds: 30, trigger: { type: 'any' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'auto' } } }] });
    // another bot answering every 10 s: the rule answers at 0, 30, 60, 90 s (its 30 s cooldown), then the budget (4 per hour) ends it
    for (let i = 0; i < 16; i++) {
      await say(chat, w(`loop${i}`), { type: 'text', text: { body: `bot ${i}` } });
      clock.advance(10 * S);
    }
    await waitFor(() => repliesTo(phone).length >= 4, { what: 'four replies' });
    const sentinel = new ChatScript(tenant, phone, '4915111110098');
    await say(sentinel, w('sentinel-of-loop'), { type: 'text', text: { body: 'x' } });
    await waitFor(() => repliesTo(phone).some((c) => c.to === sentinel.waId), { what: 'the sentinel reply' });
    expect(repliesTo(phone).filter((c) => c.to === chat.waId).map((c) => c.metadata?.automationInboundWamid)).toEqual([w('loop0'), w('loop3'), w('loop6'), w('loop9')]);
    const firings = await h.pg.query(
      `SELECT skipped, count(*)::int AS n FROM automation_firings WHERE tenant_id = $1 AND rule_id = $2 AND inbound_wamid LIKE $3 GROUP BY skipped ORDER BY skipped`,
      [tenant, echo.id, `${w('loop')}%`],
    );
    expect(firings.rows).toEqual([{ skipped: 'budget', n: 4 }, { skipped: 'cooldown', n: 8 }, { skipped: null, n: 4 }]);
    expect(automationMessageId(tenant, w('loop0'), echo.id, 0).slice(10)).toBe(repliesTo(phone)[0]!.id.slice(10));
  }, 90_000);

  it('prunes firings with the tenant\'s retention, keeping the last 7 days that cooldowns and budgets read', async () => {
    const t = `tr-${h.suffix}`;
    const phone = newPhone();
    await createRule({ phoneNumberId: phone, name: 'tag-all', trigger: { type: 'any' }, actions: [{ type: 'tag', tags: ['seen'] }] }, t);
    const chat = new ChatScript(t, phone, '4915111110004');
    const saved = clock.now();
    const firingsOf = async () => (await h.pg.query(`SELECT inbound_wamid FROM automation_firings WHERE tenant_id = $1 ORDER BY at`, [t])).rows.map((r) => r.inbound_wamid);
    try {
      for (const [name, daysAgo] of [['old', 8], ['recent', 3], ['today', 0]] as const) {
        clock.set(saved - daysAgo * 86_400 * S);
        chat.events.length = 0;
        chat.inbound(w(`rt-${name}`), new Date(clock.now()), { type: 'text', text: { body: name } });
        await h.publish(chat.events);
        await waitFor(async () => (await firingsOf()).includes(w(`rt-${name}`)), { what: `the ${name} firing` });
      }
    } finally {
      clock.set(saved + 2 * 3_600 * S);
    }
    expect((await h.http('PUT', '/v1/conversations/settings', { tenant: t, body: { retentionDays: 1 } })).status).toBe(200);
    await h.app.get(ConversationRetentionService).pruneNow();
    // today's message keeps the conversation (a conversation pruned whole takes its firings with it)
    expect(await firingsOf()).toEqual([w('rt-recent'), w('rt-today')]);
  }, 60_000);
});
