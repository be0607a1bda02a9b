import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PUBLIC_EVENT_TYPES, PublicEventType } from './public-event';
import { PUBLIC_EVENTS } from './public-events.v1';
import { validateContract } from '../validate';

const SCHEMA_DIR = join(__dirname, '..', '..', '..', '..', 'docs', 'events');
const at = '2026-01-01T10:00:00.000Z';
const lifecycle = { tenantId: 't', phoneNumberId: '1', messageId: '01J00000000000000000000000', recipient: '4915112345678' };

/** The smallest valid event of each type (required fields only) and a full one. */
const MINIMAL: Record<PublicEventType, object> = {
  'message.received': { tenantId: 't', phoneNumberId: '1', wabaId: 'w', wamid: 'wamid.A', from: {}, message: { type: 'text' } },
  'message.status': { tenantId: 't', phoneNumberId: '1', wamid: 'wamid.A', status: 'read', recipient: {} },
  'message.accepted': lifecycle,
  'message.rejected': lifecycle,
  'message.failed': lifecycle,
  'message.retry_scheduled': lifecycle,
  'message.dead_lettered': lifecycle,
  'template.status': { tenantId: 't', wabaId: 'w', kind: 'template-status', value: {} },
  'number.changed': { tenantId: 't', wabaId: 'w', kind: 'phone-quality', value: {} },
  'contact.changed': { tenantId: 't', phoneNumberId: '1', optedOut: false, reachable: true },
  'account.alert': { tenantId: 't', kind: 'account-alert' },
};
const FULL: Partial<Record<PublicEventType, object>> = {
  'message.received': {
    ...MINIMAL['message.received'], displayPhoneNumber: '15550000000',
    from: { waId: '4915112345678', userId: 'DE.123abc', username: 'ada', profileName: 'Ada' },
    message: { type: 'location', location: { latitude: 52.5, longitude: 13.4 }, context: { id: 'wamid.B' }, referral: { source_type: 'ad' } },
  },
  'message.status': {
    ...MINIMAL['message.status'], messageId: '01J00000000000000000000000', recipient: { waId: '4915112345678' },
    errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'x' } }], pricing: { billable: true, pricing_model: 'PMP', category: 'marketing' },
  },
  'message.retry_scheduled': { ...lifecycle, wamid: 'wamid.A', attempt: 2, notBefore: at, error: { class: 'throttled', code: 130429, message: 'rate limit' } },
  'contact.changed': { ...MINIMAL['contact.changed'], waId: '4915112345678', optInState: 'opted_in', windowOpenUntil: at, erased: false },
};
/** Wrong values both sides must refuse. */
const WRONG: [PublicEventType, string, unknown][] = [
  ['message.status', 'status', 'seen'],
  ['message.status', 'errors', [{ code: 'x' }]],
  ['message.rejected', 'error', { class: 'oops', message: 'm' }],
  ['contact.changed', 'optedOut', 'yes'],
  ['template.status', 'kind', 'template-deleted'],
  ['message.received', 'wamid', ''],
];

describe('public event classes and their JSON Schemas (docs/events) agree', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const compiled = new Map<PublicEventType, ReturnType<typeof ajv.compile>>();
  const schema = (type: PublicEventType) => {
    if (!compiled.has(type)) compiled.set(type, ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, `${type}.v1.schema.json`), 'utf8'))));
    return compiled.get(type)!;
  };
  const both = (type: PublicEventType, body: unknown): [boolean, boolean] => [schema(type)(body) as boolean, validateContract(PUBLIC_EVENTS[type].cls, body).ok];

  it('has one schema per type and every type in the registry', () => {
    expect(Object.keys(PUBLIC_EVENTS).sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    for (const t of PUBLIC_EVENT_TYPES) expect(schema(t).schema).toMatchObject({ properties: { type: { const: t } } });
  });

  it.each(PUBLIC_EVENT_TYPES)('%s: both accept the minimal and the full sample', (type) => {
    for (const data of [MINIMAL[type], FULL[type] ?? MINIMAL[type]]) {
      expect(both(type, { type, timestamp: at, data })).toEqual([true, true]);
    }
  });

  it.each(PUBLIC_EVENT_TYPES)('%s: both refuse the sample without any one required field, and with another type or timestamp', (type) => {
    const required = (schema(type).schema as { properties: { data: { required: string[] } } }).properties.data.required;
    expect(required.length).toBeGreaterThan(0);
    for (const field of required) {
      const data = { ...(FULL[type] ?? MINIMAL[type]) } as Record<string, unknown>;
      delete data[field];
      expect([field, both(type, { type, timestamp: at, data })]).toEqual([field, [false, false]]);
    }
    // and no field the class requires is optional in the schema: the minimal sample is exactly the required set
    expect(Object.keys(MINIMAL[type]).sort()).toEqual([...required].sort());
    const other = type === 'account.alert' ? 'message.status' : 'account.alert';
    expect(both(type, { type: other, timestamp: at, data: MINIMAL[type] })).toEqual([false, false]);
    expect(both(type, { type, timestamp: 'yesterday', data: MINIMAL[type] })).toEqual([false, false]);
  });

  it.each(WRONG)('%s: both refuse %s = %j', (type, field, value) => {
    expect(both(type, { type, timestamp: at, data: { ...(FULL[type] ?? MINIMAL[type]), [field]: value } })).toEqual([false, false]);
  });
});
