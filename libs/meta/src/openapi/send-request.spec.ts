import { loadMetaSpec } from './meta-spec';
import {
  INVALID_OFFICIAL_SEND_EXAMPLES,
  SEND_REQUEST_OVERRIDES,
  sendMessageTypes,
  validateSendRequest,
  withSendOverrides,
} from './send-request';
import { repairedMetaSpec } from './spec-repairs';
import { specRequestExamples, specSchemaValidator } from './spec-validator';

const SEND = '/{Version}/{Phone-Number-ID}/messages';
const examples = specRequestExamples(SEND, 'post');

describe('validateSendRequest against the official examples', () => {
  it('declares Message as the request schema of POST /{Version}/{Phone-Number-ID}/messages', () => {
    const operation = loadMetaSpec().paths[SEND]?.post as { requestBody: { content: Record<string, { schema: unknown }> } };
    expect(operation.requestBody.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Message' });
  });

  it.each(examples.filter((e) => !(e.name in INVALID_OFFICIAL_SEND_EXAMPLES)).map((e) => [e.name, e.value] as const))(
    'accepts "%s"',
    (_name, body) => {
      expect(validateSendRequest(body)).toEqual({ valid: true, errors: [] });
    },
  );

  it.each<[string, string[]]>([
    ['Send Multi-Product Message', ['/interactive/header/type']],
    ['Send Reply to List Message', ['/text', '/interactive']],
  ])('rejects "%s", which Meta would reject too, at %j', (name, paths) => {
    expect(INVALID_OFFICIAL_SEND_EXAMPLES[name]).toEqual(expect.any(String));
    const example = examples.find((e) => e.name === name);
    const result = validateSendRequest(example?.value);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.path)).toEqual(paths);
  });

  it('lists only examples that exist', () => {
    const names = new Set(examples.map((e) => e.name));
    expect(Object.keys(INVALID_OFFICIAL_SEND_EXAMPLES).filter((name) => !names.has(name))).toEqual([]);
  });

  it('keeps the overrides local: the spec\'s own Message schema still rejects what they relax', () => {
    const testMessage = examples.find((e) => e.name === 'Send Test Message')?.value;
    expect(validateSendRequest(testMessage).valid).toBe(true);
    expect(specSchemaValidator('Message')(testMessage).valid).toBe(false);
    expect(specSchemaValidator('BaseMessageProperties')({ messaging_product: 'whatsapp', to: '1' }).errors).toEqual([
      { path: '/recipient_type', message: 'is required' },
      { path: '/type', message: 'is required' },
    ]);
  });

  it('finds every override target in the spec, and overrides a copy only', () => {
    expect(SEND_REQUEST_OVERRIDES.length).toBeGreaterThan(0);
    const before = JSON.stringify(repairedMetaSpec().components.schemas.LanguageObject);
    expect(() => withSendOverrides(repairedMetaSpec())).not.toThrow();
    expect(JSON.stringify(repairedMetaSpec().components.schemas.LanguageObject)).toBe(before);
  });
});

describe('validateSendRequest on bodies Meta would reject', () => {
  const base = { messaging_product: 'whatsapp', to: '16505551234' };
  it.each<[string, unknown, string[]]>([
    ['a text body that is not a string', { ...base, type: 'text', text: { body: 5 } }, ['/text/body']],
    ['a text message without text', { ...base, type: 'text' }, ['/text']],
    ['a property no message has', { ...base, text: { body: 'hi' }, colour: 'red' }, ['/colour']],
    ['an unknown message type', { ...base, type: 'fax', fax: {} }, ['/type']],
    ['a type that is not a string', { ...base, type: 7 }, ['/type']],
    ['no recipient at all', { messaging_product: 'whatsapp', text: { body: 'hi' } }, ['/to', '/recipient', '']],
    ['an unknown recipient_type', { ...base, recipient_type: 'broadcast', text: { body: 'hi' } }, ['/recipient_type']],
    ['an image with neither id nor link', { ...base, type: 'image', image: {} }, ['/image/id', '/image/link', '/image']],
    ['a template without a name', { ...base, type: 'template', template: { language: { code: 'en' } } }, ['/template/name']],
    ['a template button index of 10', {
      ...base,
      type: 'template',
      template: { name: 't', language: { code: 'en' }, components: [{ type: 'button', sub_type: 'quick_reply', index: 10 }] },
    }, ['/template/components/0/index']],
    ['a location with a non-numeric latitude', {
      ...base, type: 'location', location: { latitude: 'north', longitude: 1, name: 'x', address: 'y' },
    }, ['/location/latitude']],
    ['an oversized biz_opaque_callback_data', { ...base, text: { body: 'hi' }, biz_opaque_callback_data: 'x'.repeat(513) }, [
      '/biz_opaque_callback_data',
    ]],
    ['a read receipt without message_id', { messaging_product: 'whatsapp', status: 'read' }, ['/message_id']],
    ['a body that is not an object', ['not', 'an', 'object'], ['']],
  ])('rejects %s', (_name, body, paths) => {
    const result = validateSendRequest(body);
    expect(result.valid).toBe(false);
    // anyOf/oneOf report once per branch; the distinct paths are what a caller acts on.
    expect([...new Set(result.errors.map((e) => e.path))]).toEqual(paths);
    for (const error of result.errors) expect(error.message).toEqual(expect.any(String));
  });
});

describe('validateSendRequest on what Meta accepts beyond the v23 spec', () => {
  it('takes a text message without type (Meta defaults it to text)', () => {
    expect(validateSendRequest({ messaging_product: 'whatsapp', to: '1', text: { body: 'hi' } }).valid).toBe(true);
  });

  it('takes a business-scoped user id in `recipient` instead of `to` (July 2026)', () => {
    const body = { messaging_product: 'whatsapp', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } };
    expect(validateSendRequest(body)).toEqual({ valid: true, errors: [] });
  });

  it('takes biz_opaque_callback_data, where the dispatcher puts our message id', () => {
    const body = { messaging_product: 'whatsapp', to: '1', text: { body: 'hi' }, biz_opaque_callback_data: '01JQ0000000000000000000000' };
    expect(validateSendRequest(body).valid).toBe(true);
  });

  it('knows the message types of the spec\'s discriminator', () => {
    expect(sendMessageTypes().sort()).toEqual(
      ['audio', 'contacts', 'document', 'image', 'interactive', 'location', 'reaction', 'sticker', 'template', 'text', 'video'],
    );
  });
});
