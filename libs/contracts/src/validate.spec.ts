import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { contractFor, hasCompiledPlan, OutboundRequestedV1, registeredTopics, validateContract, type ContractClass } from './index';

/** The oracle: class-transformer and class-validator as validateContract used them before its compiled plans. */
function oracle(cls: ContractClass, value: object): { ok: boolean; value?: object } {
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { forbidUnknownValues: false, whitelist: false });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false };
}

const LONG = 'x'.repeat(300);
/** Values every kind of property is tried with. */
const POOL: unknown[] = [
  'abc', '', '123', '4915100000001', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '2026-12-06T10:00:00.000Z', 'not-a-date', LONG,
  'text', 'template', 'api', 'kafka', 'sent', 'delivered', 'MARKETING', 'UTILITY', 'active', 'inbound', 'outbound',
  'https://example.com/x', 'a@b.co', 'en_US', 'image/jpeg', 'GREEN', 'TIER_1K',
  0, 1, -1, 42, 1.5, 1e12, true, false, null, undefined, {}, { a: 'b' }, [], ['a'], [1], [{ a: 1 }],
];

function propertiesOf(cls: ContractClass): string[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false, undefined as unknown as string[]);
  return [...new Set(metadatas.map((m) => m.propertyName))];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: { findTypeMetadata(c: unknown, p: string): { typeFunction(): ContractClass } | undefined } };

/** Builds, property by property, a value the oracle accepts (when the pool allows it); nested classes too. */
function validSample(cls: ContractClass, depth = 0): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const property of propertiesOf(cls)) {
    const nestedCls = depth < 3 ? defaultMetadataStorage.findTypeMetadata(cls, property)?.typeFunction() : undefined;
    const nested = nestedCls ? validSample(nestedCls, depth + 1) : undefined;
    for (const candidate of nested ? [nested, [nested], ...POOL] : POOL) {
      const trial = { ...sample, [property]: candidate };
      const errors = validateSync(plainToInstance(cls, trial), { forbidUnknownValues: false });
      if (!errors.some((e) => e.property === property)) {
        sample[property] = candidate;
        break;
      }
    }
  }
  return sample;
}

function expectSameAnswer(cls: ContractClass, value: Record<string, unknown>): boolean {
  const ours = validateContract(cls, value);
  const theirs = oracle(cls, value);
  expect({ property: JSON.stringify(value).slice(0, 200), ok: ours.ok }).toEqual({ property: JSON.stringify(value).slice(0, 200), ok: theirs.ok });
  if (ours.ok && theirs.ok) {
    expect(Object.getPrototypeOf(ours.value)).toBe(cls.prototype);
    expect({ ...ours.value }).toEqual({ ...theirs.value });
  }
  return theirs.ok;
}

describe('validateContract answers exactly as class-validator does', () => {
  const classes = [...new Set(registeredTopics().map((t) => contractFor(t.topic)!.cls))];

  it('on a valid value and on every one-property change of it, for every registered contract', () => {
    let accepted = 0;
    let refused = 0;
    for (const cls of classes) {
      const sample = validSample(cls);
      if (expectSameAnswer(cls, sample)) accepted++;
      for (const property of propertiesOf(cls)) {
        const nested = sample[property];
        // Also one change deeper: each property of a nested object.
        const deeper = nested && typeof nested === 'object' && !Array.isArray(nested)
          ? Object.keys(nested).flatMap((k) => POOL.map((v) => ({ ...sample, [property]: { ...nested, [k]: v } })))
          : [];
        for (const changed of deeper) {
          if (expectSameAnswer(cls, changed)) accepted++;
          else refused++;
        }
        for (const v of POOL) {
          if (expectSameAnswer(cls, { ...sample, [property]: v })) accepted++;
          else refused++;
        }
        const without = { ...sample };
        delete without[property];
        if (expectSameAnswer(cls, without)) accepted++;
        else refused++;
      }
    }
    // Both answers were exercised, many times, across the contracts.
    expect(classes.length).toBeGreaterThan(10);
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });

  it('has a compiled plan for every registered contract (none falls back to the slow path for every message)', () => {
    expect(classes.filter((cls) => !hasCompiledPlan(cls)).map((cls) => cls.name)).toEqual([]);
  });

  it('takes an outbound request as the dispatcher receives it, and refuses what the full check refuses, with its message', () => {
    const request = {
      id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', tenantId: 't1', phoneNumberId: '1500001', to: '4915100000001', type: 'template',
      message: { template: { name: 'hello_world', language: { code: 'en_US' } } }, source: 'kafka', requestedAt: '2026-12-06T10:00:00.000Z',
    };
    const ok = validateContract(OutboundRequestedV1, request);
    expect(ok.ok && ok.value instanceof OutboundRequestedV1 && ok.value.message).toEqual(request.message);
    expect(validateContract(OutboundRequestedV1, { ...request, to: '+49 151' })).toEqual({ ok: false, reason: 'to: to must match /^\\d{5,20}$/ regular expression' });
    expect(validateContract(OutboundRequestedV1, { ...request, sendAt: 'tomorrow' })).toEqual({ ok: false, reason: 'sendAt: sendAt must be a valid ISO 8601 date string' });
  });

  it('never lets a "__proto__" key reach the instance\'s prototype', () => {
    const request = JSON.parse('{"id":"1","tenantId":"t","phoneNumberId":"1","type":"text","message":{},"source":"api","requestedAt":"2026-12-06T10:00:00.000Z","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const r = validateContract(OutboundRequestedV1, request);
    expect(r.ok).toBe(true);
    expect(Object.getPrototypeOf(r.ok ? r.value : null)).toBe(OutboundRequestedV1.prototype);
    expect((r.ok ? r.value : {}) as Record<string, unknown>).not.toHaveProperty('polluted');
  });
});
