import { loadMetaSpec } from './meta-spec';
import { specOperation, specRequestExamples, specSchemaValidator } from './spec-validator';

const SEND = '/{Version}/{Phone-Number-ID}/messages';
const WEBHOOKS = '/whatsapp/webhooks';

describe('loadMetaSpec', () => {
  it('parses the vendored v23.0 OpenAPI 3.1 document once and shares it', () => {
    const spec = loadMetaSpec();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.info.version).toBe('v23.0');
    expect(loadMetaSpec()).toBe(spec);
  });

  it('freezes the shared copy so no caller can change what validators check', () => {
    const spec = loadMetaSpec();
    expect(Object.isFrozen(spec.components.schemas.WebhookPayload)).toBe(true);
    expect(() => {
      (spec.components.schemas as Record<string, unknown>).WebhookPayload = {};
    }).toThrow(TypeError);
  });
});

describe('specSchemaValidator', () => {
  it('compiles every schema of the spec (OpenAPI-only keywords such as nullable do not crash ajv)', () => {
    for (const name of Object.keys(loadMetaSpec().components.schemas)) {
      expect(() => specSchemaValidator(name)).not.toThrow();
    }
  });

  it('compiles each schema once', () => {
    expect(specSchemaValidator('Metadata')).toBe(specSchemaValidator('Metadata'));
  });

  it('throws for a schema the spec does not have', () => {
    expect(() => specSchemaValidator('NoSuchSchema')).toThrow(/NoSuchSchema/);
  });

  it('reports problems with a path naming the field', () => {
    expect(specSchemaValidator('Metadata')({ display_phone_number: 15550783881 })).toEqual({
      valid: false,
      errors: [
        { path: '/phone_number_id', message: 'is required' },
        { path: '/display_phone_number', message: 'must be string' },
      ],
    });
  });

  it('resolves $refs across the document (WebhookPayload → Entry → Change → …)', () => {
    const result = specSchemaValidator('WebhookPayload')({ object: 'whatsapp_business_account', entry: [{ id: 1 }] });
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: '/entry/0/id', message: 'must be string' },
        { path: '/entry/0/changes', message: 'is required' },
      ]),
    );
  });

  it('accepts every official webhook example except the group ones, whose types contradict their schema', () => {
    const validate = specSchemaValidator('WebhookPayload');
    const examples = specRequestExamples(WEBHOOKS, 'post');
    expect(examples).toHaveLength(16);
    for (const { name, value } of examples) {
      const { valid, errors } = validate(value);
      if (name.startsWith('Group ')) {
        // Meta's group examples send timestamp "1750269342" (string) and numeric wa_ids,
        // while the Groups schema says integer timestamp and string ids.
        expect({ name, valid }).toEqual({ name, valid: false });
        expect(errors).toContainEqual({ path: '/entry/0/changes/0/value/groups/0/timestamp', message: 'must be integer' });
      } else {
        expect({ name, errors }).toEqual({ name, errors: [] });
      }
    }
  });
});

describe('specRequestExamples', () => {
  it('returns every request example of an operation, named as in the spec', () => {
    const examples = specRequestExamples(SEND, 'post');
    expect(examples).toHaveLength(50);
    expect(new Set(examples.map((e) => e.name)).size).toBe(50);
    expect(examples.find((e) => e.name === 'Send Text Message')).toEqual({
      name: 'Send Text Message',
      contentType: 'application/json',
      value: expect.objectContaining({ messaging_product: 'whatsapp', type: 'text', text: expect.any(Object) }),
    });
  });

  it('matches the method case-insensitively', () => {
    expect(specRequestExamples(SEND, 'POST')).toEqual(specRequestExamples(SEND, 'post'));
  });

  it('hands out copies the caller may edit', () => {
    const [first] = specRequestExamples(SEND, 'post');
    const value = first?.value as Record<string, unknown>;
    expect(Object.isFrozen(value)).toBe(false);
    value.to = 'changed';
    expect((specRequestExamples(SEND, 'post')[0]?.value as Record<string, unknown>).to).not.toBe('changed');
  });

  it('returns nothing for an operation without a request body', () => {
    expect(specRequestExamples('/{Version}/{Media-ID}', 'get')).toEqual([]);
  });

  it('throws for an operation the spec does not have, so a typo cannot empty a test corpus', () => {
    expect(() => specRequestExamples('/{Version}/{Phone-Number-ID}/mesages', 'post')).toThrow(/mesages/);
    expect(() => specOperation(SEND, 'patch')).toThrow(/PATCH/);
  });
});
