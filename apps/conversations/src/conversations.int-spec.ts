import { inboundMediaIdOf } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { ConversationRetentionService } from './retention/conversation-retention.service';
import { ChatScript, fixtureMessage } from './testing/chat-script';
import { ConversationsHarness } from './testing/conversations-harness';

const S = 1000;

describe('conversations service (real Kafka and Postgres)', () => {
  const h = new ConversationsHarness();
  const tenant = `t-${h.suffix}`;
  const other = `t2-${h.suffix}`;
  const phone = `1555${Date.now() % 1_000_000_000}`;
  const w = (name: string) => `wamid.${h.suffix}.${name}`;
  let sentinels = 0;

  beforeAll(() => h.start(), 60_000);
  afterAll(() => h.stop());

  /** The tenant's conversation with `waId`, as listed. */
  async function conversationOf(waId: string, t = tenant): Promise<any> {
    const r = await h.http('GET', `/v1/conversations?waId=${waId}`, { tenant: t });
    expect(r.status).toBe(200);
    return r.body.data[0];
  }

  async function allMessages(id: string, limit = 200, t = tenant): Promise<any[]> {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await h.http('GET', `/v1/conversations/${id}/messages?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { tenant: t });
      expect(r.status).toBe(200);
      out.push(...r.body.data);
      cursor = r.body.nextCursor;
    } while (cursor);
    return out;
  }

  /**
   * A chat of its own contact on all four topics, published after everything before: once its
   * history shows every step, each topic (one partition) was folded past what came before.
   */
  async function flush(): Promise<void> {
    const n = ++sentinels;
    const waId = `1999${h.suffix.replace(/\D/g, '').slice(0, 5).padEnd(5, '0')}${n}`;
    const s = new ChatScript(tenant, phone, waId);
    const at = new Date();
    const id = s.send(at, { type: 'text', text: { body: 'sentinel' } });
    s.lifecycle(id, 'sent', at, { wamid: w(`s${n}`) });
    s.status(id, w(`s${n}`), 'delivered', at);
    s.inbound(w(`s${n}.in`), at, { type: 'text', text: { body: 'sentinel' } });
    await h.publish(s.events);
    await waitFor(async () => {
      const c = await conversationOf(waId);
      if (!c) return false;
      const m = await allMessages(c.id);
      return m.length === 2 && m.some((x) => x.status === 'delivered') && m.some((x) => x.direction === 'inbound');
    }, { what: `sentinel ${n} folded`, timeoutMs: 40_000 });
  }

  describe('a scripted chat', () => {
    const chat = new ChatScript(tenant, phone, '4915112345678');
    const t0 = Math.floor(Date.now() / S) * S - 30 * 60 * S; // whole seconds, as Meta's timestamps
    const at = (s: number) => new Date(t0 + s * S);
    let ids: Record<string, string>;
    let imageMediaId: string;
    let first: { conversation: any; messages: any[] };

    beforeAll(async () => {
      const text = fixtureMessage('message-text--pywa-1.json');
      chat.inbound(w('in1'), at(0), { ...text, text: { body: 'Hi, where is my order?' } });
      const out1 = chat.send(at(10), { type: 'text', text: { body: 'Let me check, one moment' } });
      chat.lifecycle(out1, 'accepted', at(10.1));
      chat.lifecycle(out1, 'sent', at(10.5), { wamid: w('out1') });
      chat.status(out1, w('out1'), 'delivered', at(12));
      chat.status(out1, w('out1'), 'read', at(20));
      const reply = fixtureMessage('message-context-reply--pywa-1.json');
      chat.inbound(w('in2'), at(30), { ...reply, text: { body: 'Thanks!' }, context: { from: phone, id: w('out1') } });
      const reaction = fixtureMessage('message-reaction--pywa-1.json');
      chat.inbound(w('in3'), at(40), { ...reaction, reaction: { message_id: w('out1'), emoji: '👍' } });
      const image = chat.inbound(w('in4'), at(50), fixtureMessage('message-image--pywa-1.json'));
      imageMediaId = inboundMediaIdOf(image, tenant)!;
      const edit = fixtureMessage('message-edit--pywa-1.json') as any;
      edit.edit.original_message_id = w('in4');
      chat.inbound(w('in5'), at(60), edit);
      chat.inbound(w('in6'), at(70), { type: 'text', text: { body: 'oops, wrong chat' } });
      // no revoke fixture: Meta's documented shape, as the edit's (`original_message_id`)
      chat.inbound(w('in7'), at(75), { type: 'revoke', revoke: { original_message_id: w('in6') } });
      // the dispatcher's step before the gateway's command (different topics: any order)
      const out2 = '01JZZZZZZZZZZZZZZZZZZZZZZ2';
      chat.lifecycle(out2, 'sent', at(80.4), { wamid: w('out2') });
      chat.send(at(80), { type: 'image', image: { id: '1234567890', caption: 'your invoice' } }, out2);
      const out3 = chat.send(at(90), { type: 'text', text: { body: 'are you there?' } });
      chat.lifecycle(out3, 'accepted', at(90.1));
      chat.lifecycle(out3, 'failed', at(91), { error: { class: 'permanent', code: 131026, message: 'Message undeliverable' } });
      chat.status(out3, w('out3'), 'sent', at(92)); // late, after the final failure: changes nothing
      // a late inbound message: published last, placed by its own time
      chat.inbound(w('in8'), at(5), { type: 'text', text: { body: 'order 4711' } });
      ids = { out1, out2, out3 };
      await h.publish(chat.events);
      await flush();
      const conversation = await conversationOf(chat.waId);
      first = { conversation, messages: await allMessages(conversation.id) };
    }, 90_000);

    it('shows both directions in order, with statuses, replies, reactions, media ids, edits and revokes applied', () => {
      const { messages } = first;
      expect(messages.map((m) => [m.id, m.direction, m.type, m.status])).toEqual([
        [w('in1'), 'inbound', 'text', undefined],
        [w('in8'), 'inbound', 'text', undefined],
        [ids.out1, 'outbound', 'text', 'read'],
        [w('in2'), 'inbound', 'text', undefined],
        [w('in3'), 'inbound', 'reaction', undefined],
        [w('in4'), 'inbound', 'image', undefined],
        [w('in6'), 'inbound', 'text', undefined],
        [ids.out2, 'outbound', 'image', 'sent'],
        [ids.out3, 'outbound', 'text', 'failed'],
      ]);
      const by = Object.fromEntries(messages.map((m) => [m.id, m]));
      expect(by[w('in1')]).toMatchObject({ content: { text: { body: 'Hi, where is my order?' } }, wamid: w('in1'), at: at(0).toISOString() });
      expect(by[ids.out1!]).toMatchObject({ wamid: w('out1'), content: { text: { body: 'Let me check, one moment' } }, at: at(10).toISOString() });
      expect(by[w('in2')].content).toEqual({ text: { body: 'Thanks!' }, context: { from: phone, id: w('out1') } });
      expect(by[w('in3')].content).toEqual({ reaction: { message_id: w('out1'), emoji: '👍' } });
      expect(by[w('in4')].content.image).toMatchObject({ mediaId: imageMediaId, mime_type: 'image/jpeg', caption: 'Updated image caption' });
      expect(by[w('in4')].content.image.url).toBeUndefined();
      expect(by[w('in4')].editedAt).toBe(at(60).toISOString());
      expect(by[w('in6')]).toMatchObject({ content: null, revokedAt: expect.any(String) });
      expect(by[ids.out2!]).toMatchObject({ wamid: w('out2'), content: { image: { id: '1234567890', caption: 'your invoice' } } });
      expect(by[ids.out3!]).toMatchObject({ status: 'failed', error: { class: 'permanent', code: 131026 } });
    });

    it('lists the conversation with its contact, last message, unread count and service window', () => {
      const c = first.conversation;
      expect(c).toMatchObject({ phoneNumberId: phone, waId: chat.waId, profileName: 'Ana', lastMessageAt: at(90).toISOString(), unread: 6 });
      expect(c.assignee).toBeUndefined();
      expect(c.serviceWindowOpenUntil).toBe(new Date(at(70).getTime() + 86_400 * S).toISOString());
    });

    it('changes nothing when every event is delivered again', async () => {
      await h.publish(chat.events);
      await flush();
      const again = await conversationOf(chat.waId);
      expect(again).toEqual(first.conversation);
      expect(await allMessages(again.id)).toEqual(first.messages);
      const rows = await h.pg.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND conversation_id = $2`, [tenant, again.id]);
      expect(rows.rows[0].n).toBe(11); // 9 listed + the applied edit and revoke
    }, 90_000);

    it('pages messages oldest first and conversations newest first, without gaps or repeats', async () => {
      expect((await allMessages(first.conversation.id, 2)).map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await h.http('GET', `/v1/conversations?phoneNumberId=${phone}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { tenant });
        expect(r.status).toBe(200);
        expect(r.body.data.length).toBeLessThanOrEqual(1);
        seen.push(...r.body.data.map((c: any) => c.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      const all = (await h.http('GET', `/v1/conversations?phoneNumberId=${phone}&limit=200`, { tenant })).body.data.map((c: any) => c.id);
      expect(seen).toEqual(all);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain(first.conversation.id);
    });

    it('marks read, counts new inbound as unread, and filters unread / assigned / open', async () => {
      const id = first.conversation.id;
      const read = await h.http('POST', `/v1/conversations/${id}/read`, { tenant, body: {} });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, unread: 0, lastInboundWamid: w('in8') });
      const unreadIds = async () => (await h.http('GET', `/v1/conversations?status=unread&waId=${chat.waId}`, { tenant })).body.data.map((c: any) => c.id);
      expect(await unreadIds()).toEqual([]);

      const later = new ChatScript(tenant, phone, chat.waId);
      later.inbound(w('in9'), new Date(), { type: 'text', text: { body: 'any news?' } });
      await h.publish(later.events);
      await waitFor(async () => (await conversationOf(chat.waId)).unread === 1, { what: 'the new message unread' });
      expect(await unreadIds()).toEqual([id]);
      const through = await h.http('POST', `/v1/conversations/${id}/read`, { tenant, body: { throughWamid: w('in9') } });
      expect(through.body.unread).toBe(0);
      expect((await h.http('POST', `/v1/conversations/${id}/read`, { tenant, body: { throughWamid: w('out1') } })).status).toBe(404);

      const assigned = async () => (await h.http('GET', `/v1/conversations?status=assigned&phoneNumberId=${phone}`, { tenant })).body.data.map((c: any) => c.id);
      expect((await h.http('PUT', `/v1/conversations/${id}/assignee`, { tenant, body: { assignee: 'agent-7' } })).body.assignee).toBe('agent-7');
      expect(await assigned()).toEqual([id]);
      expect((await h.http('PUT', `/v1/conversations/${id}/assignee`, { tenant, body: { assignee: null } })).body.assignee).toBeUndefined();
      expect(await assigned()).toEqual([]);
      const bad = await h.http('PUT', `/v1/conversations/${id}/assignee`, { tenant, body: { assignee: 7 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/assignee/);

      const open = (await h.http('GET', `/v1/conversations?status=open&waId=${chat.waId}`, { tenant })).body.data;
      expect(open.map((c: any) => c.id)).toEqual([id]);
    });

    it('answers 404 for another tenant and 400/401 for what it cannot serve', async () => {
      const id = first.conversation.id;
      for (const [method, path, body] of [
        ['GET', `/v1/conversations/${id}`, undefined], ['GET', `/v1/conversations/${id}/messages`, undefined],
        ['POST', `/v1/conversations/${id}/read`, {}], ['PUT', `/v1/conversations/${id}/assignee`, { assignee: 'x' }],
      ] as const) {
        const r = await h.http(method, path, { tenant: other, body });
        expect([path, r.status, r.body.error.code]).toEqual([path, 404, 'not_found']);
      }
      expect((await h.http('GET', '/v1/conversations', { tenant: other })).body).toEqual({ data: [], nextCursor: null });
      expect((await h.http('GET', '/v1/conversations/not-an-id/messages', { tenant })).status).toBe(404);
      for (const q of ['status=closed', 'cursor=bogus', 'limit=0', 'limit=5000', 'phoneNumberId=abc']) {
        const r = await h.http('GET', `/v1/conversations?${q}`, { tenant });
        expect([q, r.status, r.body.error.code]).toEqual([q, 400, 'invalid_request']);
      }
      expect((await h.http('GET', `/v1/conversations/${id}/messages?cursor=${Buffer.from('x|1').toString('base64url')}`, { tenant })).status).toBe(400);
      expect((await h.http('GET', '/v1/conversations', { tenant, token: 'wrong-token-0123456789' })).status).toBe(401);
    });
  });

  it('erases a contact\'s conversation and every message in it, and nothing else', async () => {
    const gone = new ChatScript(tenant, phone, '4915199999991');
    const kept = new ChatScript(tenant, phone, '4915199999992');
    for (const c of [gone, kept]) {
      c.inbound(w(`er-${c.waId}`), new Date(), { type: 'text', text: { body: 'please forget me' } });
      c.send(new Date(), { type: 'text', text: { body: 'sure' } });
    }
    await h.publish([...gone.events, ...kept.events]);
    await waitFor(async () => (await conversationOf(gone.waId)) && (await conversationOf(kept.waId)), { what: 'both conversations' });
    const goneId = (await conversationOf(gone.waId)).id;
    await h.publish([gone.erased()]);
    await waitFor(async () => (await h.http('GET', `/v1/conversations/${goneId}`, { tenant })).status === 404, { what: 'the erased conversation gone' });
    const left = await h.pg.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND conversation_id = $2`, [tenant, goneId]);
    expect(left.rows[0].n).toBe(0);
    expect(await allMessages((await conversationOf(kept.waId)).id)).toHaveLength(2);
    // a redelivered erasure finds nothing and fails nothing
    await h.publish([gone.erased()]);
    await flush();
    expect(await conversationOf(gone.waId)).toBeUndefined();
  }, 60_000);

  it('prunes messages older than the tenant\'s retention, and conversations left empty', async () => {
    const t3 = `t3-${h.suffix}`;
    const day = 86_400 * S;
    const mixed = new ChatScript(t3, phone, '4915188888881');
    const old = new ChatScript(t3, phone, '4915188888882');
    mixed.inbound(w('rt-old'), new Date(Date.now() - 3 * day), { type: 'text', text: { body: 'three days ago' } });
    mixed.inbound(w('rt-new'), new Date(Date.now() - 3_600 * S), { type: 'text', text: { body: 'an hour ago' } });
    old.inbound(w('rt-old2'), new Date(Date.now() - 4 * day), { type: 'text', text: { body: 'four days ago' } });
    await h.publish([...mixed.events, ...old.events]);
    await waitFor(async () => (await conversationOf(old.waId, t3)) && (await conversationOf(mixed.waId, t3))?.unread === 2, { what: 'the retention chats' });
    expect((await h.http('GET', `/v1/conversations?status=open`, { tenant: t3 })).body.data.map((c: any) => c.waId)).toEqual([mixed.waId]);
    const oldId = (await conversationOf(old.waId, t3)).id;

    const set = await h.http('PUT', '/v1/conversations/settings', { tenant: t3, body: { retentionDays: 2 } });
    expect(set.body).toEqual({ retentionDays: 2, defaultRetentionDays: h.env.CONVERSATIONS_RETENTION_DAYS });
    expect((await h.http('PUT', '/v1/conversations/settings', { tenant: t3, body: { retentionDays: 0 } })).status).toBe(400);
    await h.app.get(ConversationRetentionService).pruneNow();

    expect((await allMessages((await conversationOf(mixed.waId, t3)).id, 50, t3)).map((m) => m.id)).toEqual([w('rt-new')]);
    expect((await h.http('GET', `/v1/conversations/${oldId}`, { tenant: t3 })).status).toBe(404);
    // the main tenant keeps the default (365 days): its chat is untouched
    expect((await h.http('GET', '/v1/conversations?limit=1', { tenant })).body.data).toHaveLength(1);
  }, 60_000);
});
