import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { waitFor } from '@wabridge/testing';
import { ExampleProcess } from '../../../test/e2e/example-process';
import { call, Platform } from '../../../test/e2e/platform-harness';

// Example 1 (issue 21): the CRM sync run as its README says (one command, a process) against
// the platform with the sandbox as Meta (customers write), the contacts service and the notifier
// delivering contact.changed webhooks.
const SCRIPT = path.resolve(__dirname, '..', 'crm.js');
const NUMBER = { phoneNumberId: '109000000000921', displayPhoneNumber: '15550000921', wabaId: '209000000000921', accessToken: 'e2e-crm-token' };
const ADA = '4915112340921';
const BOB = '4915112340922';
const CAROL = '4915112340923';

describe('examples/crm-contact-sync: CRM contacts into Wabridge, WhatsApp changes back into the CRM', () => {
  let platform: Platform;
  let sync: ExampleProcess;
  let dir: string;
  let url: string;
  let auth: Record<string, string>;
  let ready: Record<string, any>;

  beforeAll(async () => {
    platform = new Platform({ notifier: true });
    await platform.start();
    const apiKey = await platform.onboard(NUMBER);
    auth = { authorization: `Bearer ${apiKey}` };
    dir = mkdtempSync(path.join(tmpdir(), 'crm-'));
    const seed = path.join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ contacts: [
      { crmId: 'C-1', name: 'Ada', phone: `+${ADA}`, tags: ['vip'] },
      { crmId: 'C-2', name: 'Bob', phone: `+${BOB}`, tags: [] },
    ] }));
    sync = new ExampleProcess(SCRIPT, [], {
      WABRIDGE_URL: platform.get('gateway').url, WABRIDGE_API_KEY: apiKey, PORT: '0',
      WABRIDGE_PHONE_NUMBER_ID: NUMBER.phoneNumberId, DATA_FILE: path.join(dir, 'crm.json'), SEED_FILE: seed,
    });
    ready = await sync.start();
    url = ready.url;
  }, 300000);

  afterAll(async () => {
    await sync?.stop();
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120000);

  const crmContact = async (crmId: string) => ((await call('GET', `${url}/crm/contacts`)).body.data as any[]).find((c) => c.crmId === crmId);

  it('imports the CRM at start: each contact in Wabridge with its CRM id, and its Wabridge id in the CRM', async () => {
    expect(ready.imported).toEqual({ rows: 2, created: 2, updated: 0, unchanged: 0, failed: 0 });
    const listed = await call('GET', `${platform.get('gateway').url}/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth);
    const byWaId = Object.fromEntries((listed.body.data as any[]).map((c) => [c.waId, c]));
    expect(byWaId[ADA]).toMatchObject({ profileName: 'Ada', tags: ['vip'], attributes: { crmId: 'C-1' }, optedOut: false });
    expect(byWaId[BOB]).toMatchObject({ profileName: 'Bob', attributes: { crmId: 'C-2' } });
    expect(await crmContact('C-1')).toMatchObject({ wabridgeId: byWaId[ADA].id, optedOut: false });
  });

  it('takes opt-outs and open windows from contact.changed webhooks when customers write', async () => {
    const sandbox = platform.get('sandbox');
    const inbound = (from: string, body: string) => call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: NUMBER.phoneNumberId, from, message: { type: 'text', text: { body } } });
    expect((await inbound(ADA, 'STOP')).status).toBe(202);
    expect((await inbound(BOB, 'Hello, is my order ready?')).status).toBe(202);

    const ada = await waitFor(async () => { const c = await crmContact('C-1'); return c?.optedOut === true ? c : undefined; }, { timeoutMs: 60000, what: 'Ada opted out in the CRM' });
    expect(ada).toMatchObject({ optInState: 'opted_out', syncedAt: expect.any(String) });
    const bob = await waitFor(async () => { const c = await crmContact('C-2'); return c?.windowOpenUntil ? c : undefined; }, { timeoutMs: 60000, what: "Bob's window in the CRM" });
    expect(bob.optedOut).toBe(false);
    // the window is 24 h from his message
    expect(Date.parse(bob.windowOpenUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
  }, 120000);

  it('pushes a new CRM contact to Wabridge, and a CRM-side opt-out comes back through the webhook', async () => {
    const created = await call('POST', `${url}/crm/contacts`, { crmId: 'C-3', name: 'Carol', phone: `+${CAROL}`, tags: ['new'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ crmId: 'C-3', wabridgeId: expect.any(String), optedOut: false });
    const inWabridge = await call('GET', `${platform.get('gateway').url}/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}&waId=${CAROL}`, undefined, auth);
    expect(inWabridge.body.data).toEqual([expect.objectContaining({ id: created.body.wabridgeId, attributes: { crmId: 'C-3' }, tags: ['new'] })]);

    expect((await call('POST', `${url}/crm/contacts/C-3/opt-out`)).status).toBe(202);
    await waitFor(async () => (await crmContact('C-3'))?.optedOut === true || undefined, { timeoutMs: 60000, what: 'Carol opted out in the CRM via contact.changed' });
    expect((await call('POST', `${url}/crm/contacts`, { crmId: 'C-4', name: 'x' })).status).toBe(400);
  }, 120000);
});
