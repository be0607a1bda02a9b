import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { waitFor } from '@wabridge/testing';
import { ExampleProcess } from '../../../test/e2e/example-process';
import { call, Platform } from '../../../test/e2e/platform-harness';

// Example 2 (issue 21): shop order notifications run as their README says (one command, a
// process) against the platform with the sandbox as Meta (it approves the template) and the
// notifier delivering the message.status webhooks.
const SCRIPT = path.resolve(__dirname, '..', 'shop.js');
const NUMBER = { phoneNumberId: '109000000000821', displayPhoneNumber: '15550000821', wabaId: '209000000000821', accessToken: 'e2e-shop-token' };
const SHOP_SECRET = 'shop-webhook-secret';
const sign = (body: string) => createHmac('sha256', SHOP_SECRET).update(body).digest('base64');

describe('examples/shop-order-notifications: order webhook in → utility template out → delivered back', () => {
  let platform: Platform;
  let shop: ExampleProcess;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    platform = new Platform({ notifier: true });
    await platform.start();
    const apiKey = await platform.onboard(NUMBER);
    dir = mkdtempSync(path.join(tmpdir(), 'shop-'));
    // as after `npm start`: the API key comes from the state file it writes (here LOCAL_STATE_DIR), not from the env
    writeFileSync(path.join(dir, 'dev-secrets.json'), JSON.stringify({ localTenant: { id: 'x', apiKey } }));
    shop = new ExampleProcess(SCRIPT, [], {
      WABRIDGE_URL: platform.get('gateway').url, LOCAL_STATE_DIR: dir, PORT: '0', SHOP_WEBHOOK_SECRET: SHOP_SECRET,
      WABRIDGE_PHONE_NUMBER_ID: NUMBER.phoneNumberId, WABRIDGE_WABA_ID: NUMBER.wabaId, DATA_FILE: path.join(dir, 'orders.json'),
    });
    const ready = await shop.start();
    url = ready.url;
    // it created the template at start and waited for the sandbox to approve it
    expect(ready.template).toMatchObject({ name: 'order_confirmation', status: 'APPROVED' });
  }, 300000);

  afterAll(async () => {
    await shop?.stop();
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120000);

  const postOrder = (order: unknown, signature?: string) => {
    const body = JSON.stringify(order);
    return fetch(`${url}/shop/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shop-hmac-sha256': signature ?? sign(body) }, body })
      .then(async (r) => ({ status: r.status, body: await r.json() as any }));
  };

  it('sends the order confirmation template once per order and marks the order notified when delivered', async () => {
    const order = { id: 1001, customer: { name: 'Ada', phone: '+4915112340821' }, total: '42.00' };
    const first = await postOrder(order);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ id: '1001', status: 'notifying', messageId: expect.any(String) });
    // the shop retries its webhook: the same order, no second message
    const again = await postOrder(order);
    expect(again.status).toBe(200);
    expect(again.body.messageId).toBe(first.body.messageId);

    const notified = await waitFor(async () => {
      const r = await call('GET', `${url}/shop/orders/1001`);
      return r.body.status === 'notified' ? r.body : undefined;
    }, { timeoutMs: 60000, what: 'order 1001 notified' });
    expect(notified.notifiedAt).toEqual(expect.any(String));

    // the sandbox (Meta) got exactly one template call for it, with the customer's name and order number
    const calls = (await call('GET', `${platform.get('sandbox').url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls as any[];
    const mine = calls.filter((c) => c.body.biz_opaque_callback_data === first.body.messageId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      httpStatus: 200,
      body: { to: '4915112340821', type: 'template', template: { name: 'order_confirmation', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }, { type: 'text', text: '#1001' }] }] } },
    });
  }, 120000);

  it('marks the order failed when Meta refuses the send outright (message.failed: no status ever comes)', async () => {
    // The customer's phone is the shop's own number: Graph refuses the call (131021, permanent),
    // so there is no wamid and no message.status; the notifier's message.failed tells the shop.
    const first = await postOrder({ id: 3003, customer: { name: 'Bob', phone: `+${NUMBER.displayPhoneNumber}` } });
    expect(first.status).toBe(202);
    const failed = await waitFor(async () => {
      const r = await call('GET', `${url}/shop/orders/3003`);
      return r.body.status === 'failed' ? r.body : undefined;
    }, { timeoutMs: 60000, what: 'order 3003 failed' });
    expect(failed.error).toEqual([expect.objectContaining({ code: 131021 })]);
    expect(failed.notifiedAt).toBeUndefined();
    // one refused call, not retried
    const calls = (await call('GET', `${platform.get('sandbox').url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls as any[];
    const mine = calls.filter((c) => c.body.biz_opaque_callback_data === first.body.messageId);
    expect(mine).toHaveLength(1);
    expect(mine[0].httpStatus).toBeGreaterThanOrEqual(400);
  }, 120000);

  it('refuses an order webhook the shop did not sign and a body without a phone, sending nothing', async () => {
    const before = (await call('GET', `${platform.get('sandbox').url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls.length;
    expect((await postOrder({ id: 2002, customer: { name: 'Eve', phone: '+4915112340822' } }, sign('something else'))).status).toBe(401);
    expect((await postOrder({ id: 2003, customer: { name: 'Eve' } })).status).toBe(400);
    expect((await call('GET', `${url}/shop/orders/2002`)).status).toBe(404);
    expect((await call('GET', `${platform.get('sandbox').url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls).toHaveLength(before);
  });
});
