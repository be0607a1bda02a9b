import { fixtureBytes, fixtureFiles, fixtureIndex } from '@wabridge/testing';
import { metaTime, normalizeWebhook } from './normalize';

const AT = '2026-11-25T00:00:00.000Z';
const load = (file: string): unknown => JSON.parse(fixtureBytes(file).toString('utf8'));

describe('normalizeWebhook', () => {
  it('emits one inbound event per message and one status event per status for every fixture, as INDEX.json counts them', () => {
    for (const entry of fixtureIndex()) {
      const events = normalizeWebhook(load(entry.file), 'app', AT);
      const messages = events.filter((e) => e.topic === 'wa.inbound.message.v1');
      const statuses = events.filter((e) => e.topic === 'wa.status.updated.v1');
      const callStatuses = entry.field === 'calls' ? entry.statuses : 0;
      expect({ file: entry.file, messages: messages.length, statuses: statuses.length }).toEqual({
        file: entry.file, messages: entry.messages, statuses: entry.statuses - callStatuses,
      });
    }
  });

  it('never drops a change: every fixture yields at least one event', () => {
    for (const file of fixtureFiles()) {
      expect({ file, n: normalizeWebhook(load(file), 'app', AT).length > 0 }).toEqual({ file, n: true });
    }
  });

  it('keeps unknown message types as unsupported with the raw object and Meta\'s type', () => {
    const [modern] = normalizeWebhook(load('message-unsupported--pywa-1.json'), 'app', AT);
    expect(modern?.value).toMatchObject({ type: 'unsupported', raw: { type: 'unsupported' } });
    const [older] = normalizeWebhook(load('message-unsupported--metapostman-1.json'), 'app', AT);
    expect(older?.value).toMatchObject({ type: 'unsupported', metaType: 'unknown', raw: { type: 'unknown' } });
    const body = { entry: [{ id: 'w', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1' }, messages: [{ id: 'wamid.h', from: '49', type: 'hologram', hologram: { x: 1 } }] } }] }] };
    const [future] = normalizeWebhook(body, 'app', AT);
    expect(future?.value).toMatchObject({ type: 'unsupported', metaType: 'hologram', raw: { hologram: { x: 1 } } });
  });

  it('carries the business-scoped user id, username and profile name of a username user without a phone', () => {
    const [event] = normalizeWebhook(load('message-text-bsuid--pywa-1.json'), 'app', AT);
    expect(event?.key).toBe('106540352242922:US.13491208655302741918');
    expect(event?.value).toMatchObject({
      userId: 'US.13491208655302741918', parentUserId: 'US.11815799212886844830', username: '@realsheenanelson',
      profileName: 'Sheena Nelson', wabaId: '102290129340398', displayPhoneNumber: '15550783881',
      occurredAt: '2025-06-08T20:59:43.000Z',
    });
    expect((event?.value as { waId?: string }).waId).toBeUndefined();
  });

  it('maps a failed status with its errors and a template status change to an account event', () => {
    const failed = normalizeWebhook(load('status-failed--pywa-1.json'), 'app', AT)[0];
    expect(failed?.value).toMatchObject({ status: 'failed', errors: [{ code: 130472 }], recipientId: '972987654321' });
    expect(failed?.dedupeKey).toBe('status:wamid.xyzxyz:failed');
    const template = normalizeWebhook(load('template-status--pywa-1.json'), 'app', AT)[0];
    expect(template?.topic).toBe('wa.account.event.v1');
    expect(template?.value).toMatchObject({ kind: 'template-status', field: 'message_template_status_update', templateName: expect.any(String) });
  });

  it('carries the message a reply or a reaction refers to as contextWamid', () => {
    const first = (file: string) => normalizeWebhook(load(file), 'app', '2026-01-01T00:00:00.000Z')[0]?.value as { contextWamid?: string };
    expect(first('message-context-reply--pywa-1.json').contextWamid).toBe('wamid.xyzxyz==');
    expect(first('message-reaction--pywa-1.json').contextWamid).toBe('wamid.yzxyzx=');
    expect(first('message-text--pywa-1.json').contextWamid).toBeUndefined();
  });

  it('never throws on junk', () => {
    for (const junk of [null, 1, 'x', [], {}, { entry: 'x' }, { entry: [{ changes: [{ value: null }] }] }, { entry: [{ id: 1, changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1' }, messages: [1, null, { id: 'w' }] } }] }] }]) {
      expect(() => normalizeWebhook(junk, 'app', AT)).not.toThrow();
    }
  });

  it('reads Meta timestamps as seconds (strings or numbers) and falls back to the receive time', () => {
    expect(metaTime('1700000000', AT)).toBe('2023-11-14T22:13:20.000Z');
    expect(metaTime(1700000000, AT)).toBe('2023-11-14T22:13:20.000Z');
    expect(metaTime('<TIMESTAMP>', AT)).toBe(AT);
  });
});
