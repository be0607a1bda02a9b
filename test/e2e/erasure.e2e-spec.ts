import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ServiceProcess, waitFor } from '@wabridge/testing';
import { call, Platform } from './platform-harness';

// GDPR erasure across the platform (ADR 0075): real processes on a fresh database, the sandbox as Meta.
const APP = { appId: 'erase-app', appSecret: 'erase-app-secret-123456', verifyToken: 'erase-verify-token' };
const NUMBER = { phoneNumberId: '109000000000077', displayPhoneNumber: '15550007777', wabaId: '209000000000077', accessToken: 'erase-graph-token' };
const USER = `4917${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const OTHER = `4916${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

describe('GDPR erasure end to end: no trace of the number in any schema, and an opted-out number stays refused', () => {
  const platform = new Platform({
    app: APP,
    env: { SUPPRESSION_KEYS: randomBytes(32).toString('base64') },
    serviceEnv: { sandbox: { STATUS_READ_DELAY_MS: '300' } },
  });
  let gateway: ServiceProcess;
  let sandbox: ServiceProcess;
  let apiKey: string;
  let dbUrl: string;

  beforeAll(async () => {
    await platform.start();
    apiKey = await platform.onboard(NUMBER);
    gateway = platform.get('gateway');
    sandbox = platform.get('sandbox');
    dbUrl = platform.dbUrl;
  }, 300000);

  afterAll(() => platform.stop(), 120000);

  const auth = () => ({ authorization: `Bearer ${apiKey}` });
  const dump = (): string => execFileSync('pg_dump', ['--data-only', dbUrl], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const decided = (id: string) => waitFor(async () => {
    const g = await call('GET', `${gateway.url}/v1/messages/${id}`, undefined, auth());
    return g.body?.status && !['accepted', 'retry-scheduled'].includes(g.body.status) ? g.body : undefined;
  }, { timeoutMs: 60000, what: `a decision on ${id}` });
  const template = (to: string) => call('POST', `${gateway.url}/v1/messages`, {
    phoneNumberId: NUMBER.phoneNumberId, to: `+${to}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } },
    metadata: { crm: `lead +${to}` },
  }, auth());

  it('create contact + messages, opt out, erase: pg_dump has no trace of the number, and a later send is refused with a clear reason', async () => {
    // the user writes, gets answered; another user too (their data must survive)
    for (const from of [USER, OTHER]) {
      expect((await call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: NUMBER.phoneNumberId, from, profileName: 'Erin', message: { type: 'text', text: { body: `hi from ${from}` } } })).status).toBe(202);
    }
    const contact = await waitFor(async () => {
      const r = await call('GET', `${gateway.url}/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}&waId=${USER}`, undefined, auth());
      return r.body?.data?.[0];
    }, { timeoutMs: 60000, what: 'the contact' });
    const sent = await template(USER);
    const otherSent = await template(OTHER);
    expect(sent.status).toBe(202);
    expect((await decided(sent.body.id)).status).toMatch(/sent|delivered|read/);
    expect((await decided(otherSent.body.id)).status).toMatch(/sent|delivered|read/);
    await waitFor(async () => (await call('GET', `${gateway.url}/v1/messages/${sent.body.id}`, undefined, auth())).body.status === 'read' ? true : undefined,
      { timeoutMs: 60000, what: 'statuses through ingress' });
    expect(dump()).toContain(USER); // the check below can fail: the number was everywhere

    // opt out, then erase through the gateway
    expect((await call('POST', `${gateway.url}/v1/contacts/${contact.id}/opt-out`, undefined, auth())).body).toMatchObject({ optedOut: true });
    expect((await call('DELETE', `${gateway.url}/v1/contacts/${contact.id}`, undefined, auth())).status).toBe(204);

    await waitFor(async () => {
      const m = (await call('GET', `${gateway.url}/v1/messages/${sent.body.id}`, undefined, auth())).body;
      const d = await platform.query<{ n: number }>('dispatcher', 'SELECT count(*)::int AS n FROM messages WHERE recipient = $1', [USER]);
      return m.to === undefined && d[0]!.n === 0 ? true : undefined;
    }, { timeoutMs: 60000, what: 'the gateway and the dispatcher to scrub the messages' });

    const text = dump();
    expect(text).not.toContain(USER);
    // Meta's (and the sandbox's) wamids carry the number base64-encoded: none left either, but in
    // ingress's dedupe ledger, which keeps opaque ids until DEDUPE_RETENTION_DAYS (ADR 0076).
    const b64 = Buffer.from(USER, 'latin1').toString('base64').slice(0, 12);
    const outsideIngress = text.split(/\n(?=COPY )/).filter((block) => !block.startsWith('COPY ingress.')).join('\n');
    expect(outsideIngress).not.toContain(b64);
    expect(text).toContain(OTHER); // not a wiped database
    expect((await call('GET', `${gateway.url}/v1/messages/${otherSent.body.id}`, undefined, auth())).body).toMatchObject({ to: OTHER });

    // a later send to the erased, opted-out number is refused before any Graph call
    const callsBefore = (await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls.length;
    const later = await template(USER);
    expect(later.status).toBe(202);
    const refused = await decided(later.body.id);
    expect(refused).toMatchObject({ status: 'rejected', error: { class: 'compliance', message: expect.stringContaining('opted out') } });
    expect((await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls.length).toBe(callsBefore);
    const suppressions = await platform.query<{ hash: string }>('dispatcher', 'SELECT hash FROM suppressions');
    // one per sending key of the contact (the sandbox gives users a BSUID besides the wa_id)
    expect(suppressions).toHaveLength(contact.userId ? 2 : 1);
    for (const r of suppressions) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  }, 300000);
});
