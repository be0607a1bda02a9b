import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { randomSuffix, TopicCollector, waitFor } from '@wabridge/testing';
import { ChatScript } from '../../conversations/src/testing/chat-script';
import { ConversationsHarness } from '../../conversations/src/testing/conversations-harness';
import { Harness, seedTenant, startGateway, TenantFixture } from '../src/testing/gateway-harness';
import { RunningSandbox, startSandbox } from '../src/testing/sandbox';

const WA_ID = '14155550123';

/**
 * The agent's side of a conversation (ADR 0131): real gateway, conversations service and sandbox
 * in-process on one topic suffix, real Postgres and Kafka. The dispatcher is not running: the
 * command on wa.outbound.requested.v1 is the oracle for sends, the sandbox's call log for Meta's
 * read receipt.
 */
describe('agent replies and read receipts through the gateway (gateway + conversations + sandbox)', () => {
  const conversations = new ConversationsHarness(randomSuffix('cs'));
  let sandbox: RunningSandbox;
  let h: Harness;
  let fx: TenantFixture;
  let bus: TopicCollector<any>;
  let conversationId: string;
  const inboundWamid = `wamid.${conversations.suffix}.in1`;

  const commandOf = (id: string) => waitFor(() => bus.messages.find((m) => m.value.id === id), { timeoutMs: 30_000, what: `command ${id}` });
  /** The command without what differs between two sends (ids, times, the idempotency key's form). */
  const essence = (c: any) => {
    const { id: _id, requestedAt: _at, idempotencyKey: _key, ...rest } = c;
    return rest;
  };

  beforeAll(async () => {
    sandbox = await startSandbox([]);
    await conversations.start();
    h = await startGateway({ CONVERSATIONS_URL: conversations.url, TOPIC_SUFFIX: conversations.suffix });
    bus = await TopicCollector.start<any>(OUTBOUND_REQUESTED_V1, conversations.suffix);
    fx = await seedTenant(h, { graphBaseUrl: sandbox.url });
    const reg = await fetch(`${sandbox.url}/_sandbox/numbers`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumberId: fx.phoneNumberId, displayPhoneNumber: '15550100000', wabaId: fx.wabaId, accessToken: `EAAG-token-${fx.phoneNumberId}`, appSecret: 'sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused' }),
    });
    expect(reg.status).toBe(201);
    // the user writes first (as ingress would publish it)
    const chat = new ChatScript(fx.tenantId, fx.phoneNumberId, WA_ID);
    chat.inbound(inboundWamid, new Date(), { type: 'text', text: { body: 'Hello, I need help' } });
    await conversations.publish(chat.events);
    const listed = await waitFor(async () => {
      const r = await h.api(fx.key, 'GET', `/v1/conversations?waId=${WA_ID}`);
      return r.status === 200 && r.body.data[0];
    }, { what: 'the conversation listed through the gateway', timeoutMs: 30_000 });
    expect(listed).toMatchObject({ phoneNumberId: fx.phoneNumberId, waId: WA_ID, unread: 1 });
    conversationId = listed.id;
  }, 120_000);

  afterAll(async () => {
    await bus?.stop();
    await h?.close();
    await conversations.stop();
    await sandbox?.close();
  });

  it('publishes the same command POST /v1/messages would, and the reply shows in the history', async () => {
    const body = { type: 'text', text: { body: 'Hi! Maria from support here.' } };
    const agent = await h.api(fx.key, 'POST', `/v1/conversations/${conversationId}/messages`, body, { 'idempotency-key': `agent-${conversations.suffix}` });
    expect(agent.status).toBe(202);
    expect(agent.body).toEqual({ id: expect.any(String), status: 'accepted' });
    const direct = await h.api(fx.key, 'POST', '/v1/messages', { ...body, phoneNumberId: fx.phoneNumberId, to: `+${WA_ID}` }, { 'idempotency-key': `direct-${conversations.suffix}` });
    expect(direct.status).toBe(202);
    const [viaConversation, viaMessages] = [(await commandOf(agent.body.id)).value, (await commandOf(direct.body.id)).value];
    expect(viaConversation).toMatchObject({ tenantId: fx.tenantId, phoneNumberId: fx.phoneNumberId, to: WA_ID, type: 'text', message: { type: 'text', text: body.text }, source: 'api' });
    expect(essence(viaConversation)).toEqual(essence(viaMessages));
    expect(viaConversation.idempotencyKey).toEqual(expect.stringContaining(`agent-${conversations.suffix}`));

    // the same key and body again: the same message, nothing new accepted
    const again = await h.api(fx.key, 'POST', `/v1/conversations/${conversationId}/messages`, body, { 'idempotency-key': `agent-${conversations.suffix}` });
    expect(again).toMatchObject({ status: 202, body: { id: agent.body.id } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // the gateway knows it like any send
    expect((await h.api(fx.key, 'GET', `/v1/messages/${agent.body.id}`)).body).toMatchObject({ id: agent.body.id, phoneNumberId: fx.phoneNumberId, to: WA_ID, status: 'accepted' });

    const history = await waitFor(async () => {
      const r = await h.api(fx.key, 'GET', `/v1/conversations/${conversationId}/messages`);
      return r.body.data.some((m: any) => m.id === agent.body.id) && r.body.data;
    }, { what: 'the agent reply in the history', timeoutMs: 30_000 });
    expect(history.map((m: any) => [m.direction, m.content])).toEqual([
      ['inbound', { text: { body: 'Hello, I need help' } }],
      ['outbound', { text: { body: 'Hi! Maria from support here.' } }],
      ['outbound', { text: { body: 'Hi! Maria from support here.' } }],
    ]);
  }, 60_000);

  it('refuses what the conversation decides, unknown conversations, other tenants and keys without the scope', async () => {
    const bad = await h.api(fx.key, 'POST', `/v1/conversations/${conversationId}/messages`, { to: '+4915112345678', type: 'text', text: { body: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^to: /);
    const invalid = await h.api(fx.key, 'POST', `/v1/conversations/${conversationId}/messages`, { type: 'text', text: {} });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_request');
    for (const id of ['01JZZZZZZZZZZZZZZZZZZZZZZZ', 'not-a-conversation']) {
      const r = await h.api(fx.key, 'POST', `/v1/conversations/${id}/messages`, { type: 'text', text: { body: 'x' } });
      expect([id, r.status, r.body.error.code]).toEqual([id, 404, 'not_found']);
    }
    const other = await seedTenant(h, { graphBaseUrl: sandbox.url });
    expect((await h.api(other.key, 'POST', `/v1/conversations/${conversationId}/messages`, { type: 'text', text: { body: 'x' } })).status).toBe(404);
    expect((await h.api(other.key, 'POST', `/v1/conversations/${conversationId}/read`)).status).toBe(404);
    expect((await h.api(other.key, 'GET', `/v1/conversations/${conversationId}/messages`)).status).toBe(404);
    const narrow = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, { scopes: ['messages:send', 'messages:read'] });
    expect(narrow.status).toBe(201);
    expect((await h.api(narrow.body.key, 'GET', '/v1/conversations')).status).toBe(403);
    expect((await h.api(narrow.body.key, 'POST', `/v1/conversations/${conversationId}/messages`, { type: 'text', text: { body: 'x' } })).status).toBe(403);
  }, 60_000);

  it('marks read: Meta gets the read receipt for the last inbound message, the unread count drops to 0', async () => {
    const r = await h.api(fx.key, 'POST', `/v1/conversations/${conversationId}/read`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: conversationId, unread: 0, lastInboundWamid: inboundWamid });
    const calls = (await (await fetch(`${sandbox.url}/_sandbox/calls?phoneNumberId=${fx.phoneNumberId}`)).json()) as { calls: { body: any; httpStatus: number }[] };
    const receipts = calls.calls.filter((c) => c.body?.status === 'read');
    expect(receipts.map((c) => [c.body.message_id, c.httpStatus])).toEqual([[inboundWamid, 200]]);
    expect((await h.api(fx.key, 'GET', `/v1/conversations?status=unread&waId=${WA_ID}`)).body.data).toEqual([]);
  }, 60_000);
});
