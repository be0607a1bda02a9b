import { INBOUND_MESSAGE_V1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { ContactsHarness, inbound } from '../../contacts/src/testing/contacts-harness';
import { Harness, seedTenant, startGateway, TenantFixture } from '../src/testing/gateway-harness';

const HOUR = 3_600_000;

/**
 * The 24 h window rule of a scheduled free-form send, judged at request time against the real
 * contacts service (issue 20, ADR 0150 §5): the gateway asks it when the recipient's window closes.
 */
describe('scheduled free-form sends and the 24 h window (real contacts service)', () => {
  const contacts = new ContactsHarness();
  let h: Harness;
  let fx: TenantFixture;
  let other: TenantFixture;
  const waId = `4915${Date.now() % 1e8}`;
  let windowOpenUntil: string;

  beforeAll(async () => {
    await contacts.start();
    h = await startGateway({ CONTACTS_URL: contacts.url });
    fx = await seedTenant(h);
    other = await seedTenant(h);
    // The contact wrote one hour ago (by the real clock the gateway judges with): window open for 23 h more.
    await contacts.announceNumber(fx.phoneNumberId, fx.tenantId);
    const occurredAt = new Date(Date.now() - HOUR).toISOString();
    await contacts.publish(INBOUND_MESSAGE_V1, fx.phoneNumberId, inbound({ wamid: `wamid.win${Date.now()}`, phoneNumberId: fx.phoneNumberId, waId, occurredAt, receivedAt: occurredAt }));
    const c = await waitFor(async () => (await contacts.contacts(fx.tenantId, `phoneNumberId=${fx.phoneNumberId}&waId=${waId}`))[0], { what: 'the contact with its window' });
    windowOpenUntil = c.windowOpenUntil;
    expect(Date.parse(windowOpenUntil) - Date.now()).toBeGreaterThan(22 * HOUR);
  }, 90000);
  afterAll(async () => {
    await h?.close();
    await contacts.stop();
  });

  const text = (f: TenantFixture, sendAt: string, to = `+${waId}`) => ({ phoneNumberId: f.phoneNumberId, to, type: 'text', text: { body: 'reminder' }, sendAt });
  const inHours = (n: number) => new Date(Date.now() + n * HOUR).toISOString();

  it('accepts a free-form send scheduled while the window is still open', async () => {
    const res = await h.api(fx.key, 'POST', '/v1/messages', text(fx, inHours(2)));
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('scheduled');
  });

  it('refuses one scheduled for after the window closes with 400 outside_window_at_send_time, naming both times', async () => {
    const sendAt = inHours(25);
    const res = await h.api(fx.key, 'POST', '/v1/messages', text(fx, sendAt));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'outside_window_at_send_time',
      message: expect.stringContaining(`closes at ${windowOpenUntil}`),
      details: { sendAt, windowOpenUntil },
    });
    expect(res.body.error.message).toContain('send a template');
    expect((await h.api(fx.key, 'GET', '/v1/messages?status=scheduled')).body.data).toHaveLength(1); // only the first test's
  });

  it('refuses a contact that never wrote, and does not see another tenant\'s contact of the same number', async () => {
    const never = await h.api(fx.key, 'POST', '/v1/messages', text(fx, inHours(2), '+4915199999999'));
    expect(never.status).toBe(400);
    expect(never.body.error).toMatchObject({ code: 'outside_window_at_send_time', details: { windowOpenUntil: null } });
    // the other tenant's number has no contacts: the same phone is unknown there
    const elsewhere = await h.api(other.key, 'POST', '/v1/messages', text(other, inHours(2)));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.code).toBe('outside_window_at_send_time');
  });

  it('answers 503 contacts_unavailable (nothing accepted) when the contacts service cannot be asked', async () => {
    const down = await startGateway({ CONTACTS_URL: 'http://127.0.0.1:9' });
    try {
      const f = await seedTenant(down);
      const res = await down.api(f.key, 'POST', '/v1/messages', text(f, inHours(2)));
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('contacts_unavailable');
      expect((await down.api(f.key, 'GET', '/v1/messages?status=scheduled')).body.data).toEqual([]);
    } finally {
      await down.close();
    }
  });
});
