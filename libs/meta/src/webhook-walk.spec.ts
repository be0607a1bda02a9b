import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { walkWebhook, type WebhookChangeView } from './webhook-walk';

const FIXTURES = path.resolve(__dirname, '..', '..', 'testing', 'fixtures', 'meta-webhooks');

interface IndexRow {
  file: string;
  field: string;
  messages: number;
  statuses: number;
  wamids: string[];
}

const index = JSON.parse(readFileSync(path.join(FIXTURES, 'INDEX.json'), 'utf8')) as IndexRow[];
const fixture = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
const walk = (payload: unknown): WebhookChangeView[] => [...walkWebhook(payload)];
const idOf = (item: object): unknown => (item as Record<string, unknown>).id;

// calls--pywa-1.json carries a *call* status under field "calls": INDEX counts it, but it is not
// a message status (see the fixtures' README.md).
const NOT_MESSAGE_STATUSES = new Set(['calls--pywa-1.json']);

describe('walkWebhook over the real webhook corpus', () => {
  it('covers every fixture file listed in INDEX.json', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && f !== 'INDEX.json');
    expect(index.map((row) => row.file).sort()).toEqual(files.sort());
  });

  it.each(index.filter((row) => !NOT_MESSAGE_STATUSES.has(row.file)).map((row) => [row.file, row] as const))(
    'finds in %s the messages and statuses INDEX.json lists, in order',
    (file, row) => {
      const changes = walk(fixture(file)).filter((change) => change.field === 'messages');
      expect(changes.flatMap((change) => change.messages)).toHaveLength(row.messages);
      expect(changes.flatMap((change) => change.statuses)).toHaveLength(row.statuses);
      const ids = changes.flatMap((change) => [...change.messages, ...change.statuses].map(idOf));
      expect(ids).toEqual(row.wamids);
    },
  );

  it('yields the call status of field "calls" without counting it as a message status', () => {
    const changes = walk(fixture('calls--pywa-1.json'));
    expect(changes.map((c) => c.field)).toEqual(['calls']);
    expect(changes[0]?.statuses.map(idOf)).toEqual(['wacid.ABGGFjFVU2AfAgo6V']);
  });

  it('yields one view per entry × change, with the WABA id, field and phone number', () => {
    const changes = walk(fixture('batch--piusalfred-2.json'));
    expect(changes.map((c) => [c.entryId, c.field, c.metadata?.phoneNumberId])).toEqual([
      ['8888888888', 'messages', '1093849293'],
      ['8888888888', 'messages', '1093849293'],
      ['8888888888', 'user_preferences', '1093849293'],
    ]);
    expect(changes[0]?.metadata).toEqual({ phoneNumberId: '1093849293', displayPhoneNumber: '14155238886' });
    expect(changes.map((c) => c.messages.length)).toEqual([2, 2, 0]);
  });

  it('keeps a message that has no type, untouched', () => {
    const [first] = walk(fixture('batch--piusalfred-2.json'));
    const location = first?.messages[1] as unknown as Record<string, unknown>;
    expect(location.id).toBe('wamid.LOC789');
    expect(location).not.toHaveProperty('type');
    expect(location.location).toMatchObject({ name: 'San Francisco' });
  });

  it('passes a numeric timestamp on as it came', () => {
    const [change] = walk(fixture('message-forwarded--netflie-1.json'));
    expect((change?.messages[0] as unknown as Record<string, unknown>).timestamp).toBe(1669233778);
  });

  it('hands on the business-scoped ids of a username user who has no phone number', () => {
    const [change] = walk(fixture('message-text-bsuid--pywa-1.json'));
    expect(change?.messages[0]).toMatchObject({
      from_user_id: 'US.13491208655302741918',
      from_parent_user_id: 'US.11815799212886844830',
    });
    expect(change?.messages[0]).not.toHaveProperty('from');
    expect(change?.contacts[0]).toMatchObject({
      user_id: 'uUS.13491208655302741918',
      profile: { username: '@realsheenanelson' },
    });
  });

  it('surfaces value-level errors next to the message they came with', () => {
    const [change] = walk(fixture('value-errors--pywa-1.json'));
    expect(change?.errors).toEqual([
      expect.objectContaining({ code: 131000, error_data: { details: 'Unsupported webhook payload' } }),
    ]);
    expect(change?.messages.map(idOf)).toEqual(['wamid.wegrchytvwcggt=']);
  });

  it('yields account events with their raw value and no messages', () => {
    const changes = walk(fixture('template-status--pywa-1.json'));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.field).toBe('message_template_status_update');
    expect(changes[0]?.value).toEqual(expect.any(Object));
    expect(changes[0]?.messages).toEqual([]);
    expect(changes[0]?.statuses).toEqual([]);
  });

  it('returns the objects it was given, not copies', () => {
    const payload = fixture('status-played--pywa-1.json') as { entry: { changes: { value: { statuses: object[] } }[] }[] };
    const [change] = walk(payload);
    expect(change?.statuses[0]).toBe(payload.entry[0]?.changes[0]?.value.statuses[0]);
  });
});

describe('walkWebhook on odd input', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'whatsapp_business_account'],
    ['a number', 0],
    ['an array', [{ entry: [] }]],
    ['an empty object', {}],
    ['entry as an object', { entry: { id: '1', changes: [] } }],
    ['entry of junk', { entry: [null, 1, 'x', []] }],
  ])('yields nothing for %s', (_name, payload) => {
    expect(walk(payload)).toEqual([]);
  });

  it('yields a change even when its value is missing or not an object', () => {
    const changes = walk({ entry: [{ id: 42, changes: [{ field: 'messages' }, { field: 7, value: 'x' }] }] });
    expect(changes).toEqual([
      { entryId: '42', field: 'messages', value: undefined, messages: [], statuses: [], contacts: [], errors: [] },
      { entryId: '42', field: undefined, value: undefined, messages: [], statuses: [], contacts: [], errors: [] },
    ]);
  });

  it('skips non-object items and treats non-array lists as empty', () => {
    const [change] = walk({
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: 123, display_phone_number: null },
                messages: [null, 'x', { id: 'wamid.1' }, [{ id: 'nested' }]],
                statuses: { id: 'not-an-array' },
                contacts: 'nope',
              },
            },
          ],
        },
      ],
    });
    expect(change?.messages.map(idOf)).toEqual(['wamid.1']);
    expect(change?.statuses).toEqual([]);
    expect(change?.contacts).toEqual([]);
    expect(change?.metadata).toEqual({ phoneNumberId: '123', displayPhoneNumber: undefined });
  });

  it('leaves out metadata that has no phone number id', () => {
    const [change] = walk({ entry: [{ id: 'w', changes: [{ field: 'messages', value: { metadata: { display_phone_number: '1' } } }] }] });
    expect(change).not.toHaveProperty('metadata');
  });

  it('never throws on any JSON value: fixtures with random parts replaced by junk', () => {
    // Deterministic PRNG so a failure reproduces.
    let seed = 20260401;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const junk = [null, 0, -1.5, '', 'x', true, [], {}, [null], { entry: null }, [[[]]]];
    const mutate = (node: unknown): unknown => {
      if (random() < 0.15) return junk[Math.floor(random() * junk.length)];
      if (Array.isArray(node)) return node.map(mutate);
      if (typeof node === 'object' && node !== null) {
        return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, mutate(value)]));
      }
      return node;
    };
    for (const row of index) {
      const original = fixture(row.file);
      for (let i = 0; i < 25; i++) {
        const views = walk(mutate(original));
        for (const view of views) {
          for (const list of [view.messages, view.statuses, view.contacts, view.errors]) {
            expect(Array.isArray(list)).toBe(true);
            for (const item of list) expect(typeof item === 'object' && item !== null && !Array.isArray(item)).toBe(true);
          }
        }
      }
    }
  });
});
