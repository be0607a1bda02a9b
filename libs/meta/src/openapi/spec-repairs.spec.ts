import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadMetaSpec, type MetaSpecDocument } from './meta-spec';
import { repairMetaSpec, repairedMetaSpec, walk, WEBHOOK_REF_RELINKS, webhookSectionSchemaNames } from './spec-repairs';
import { specRequestExamples, SpecValidatorSet } from './spec-validator';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'testing', 'fixtures', 'meta-webhooks');
const SCHEMAS = '#/components/schemas/';

/** Names of the schemas reachable from `root` through $refs. */
function closure(doc: MetaSpecDocument, root: string): Set<string> {
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    walk(doc.components.schemas[name], '', (node) => {
      const ref = node.$ref;
      if (typeof ref === 'string' && ref.startsWith(SCHEMAS)) {
        const target = ref.slice(SCHEMAS.length);
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    });
  }
  return seen;
}

describe('spec repair: webhook $refs', () => {
  const section = new Set(webhookSectionSchemaNames());

  it('finds the webhook section at the end of components.schemas', () => {
    expect(section.has('WebhookPayload')).toBe(true);
    expect(section.has('SystemMessage')).toBe(true);
    expect(section.has('Message')).toBe(false); // the send request's union
  });

  it('documents the bug: as published, WebhookPayload reaches send-request schemas', () => {
    const reached = closure(loadMetaSpec(), 'WebhookPayload');
    const outside = [...reached].filter((name) => !section.has(name));
    expect(outside).toEqual(expect.arrayContaining([...Object.keys(WEBHOOK_REF_RELINKS), 'MessageContext']));
    // …while the inbound schemas meant for it are referenced by nothing at all.
    const referenced = JSON.stringify(loadMetaSpec());
    for (const target of Object.values(WEBHOOK_REF_RELINKS)) {
      expect(referenced).not.toContain(`"${SCHEMAS}${target}"`);
    }
  });

  it('after repair, WebhookPayload reaches only webhook schemas', () => {
    const reached = closure(repairedMetaSpec(), 'WebhookPayload');
    expect([...reached].filter((name) => !section.has(name))).toEqual([]);
    expect(reached.has('TextMessage_2')).toBe(true);
  });

  it('relinks the discriminator mapping of IncomingMessage too', () => {
    const incoming = repairedMetaSpec().components.schemas.IncomingMessage as { discriminator: { mapping: Record<string, string> } };
    expect(incoming.discriminator.mapping.text).toBe(`${SCHEMAS}TextMessage_2`);
    expect(incoming.discriminator.mapping.button).toBe(`${SCHEMAS}ButtonMessage`);
  });

  it('makes a real inbound text webhook valid, which the published spec rejects', () => {
    const body: unknown = JSON.parse(readFileSync(path.join(FIXTURES, 'message-text--pywa-1.json'), 'utf8'));
    const published = new SpecValidatorSet(loadMetaSpec()).schema('WebhookPayload')(body);
    expect(published.valid).toBe(false);
    expect(published.errors).toContainEqual({ path: '/entry/0/changes/0/value/messages/0/to', message: 'is required' });
    expect(new SpecValidatorSet(repairedMetaSpec()).schema('WebhookPayload')(body)).toEqual({ valid: true, errors: [] });
  });
});

describe('spec repair: allOf members with additionalProperties:false', () => {
  const sendText = specRequestExamples('/{Version}/{Phone-Number-ID}/messages', 'post').find(
    (e) => e.name === 'Send Text Message',
  )?.value;

  it('touches exactly the ten send message schemas', () => {
    const changes = repairMetaSpec().changes.find((c) => c.repair === 'allof-additional-properties');
    expect(changes?.pointers.sort()).toEqual(
      ['Audio', 'Contacts', 'Document', 'Image', 'Interactive', 'Location', 'Reaction', 'Sticker', 'Text', 'Video']
        .map((kind) => `${SCHEMAS}${kind}Message/allOf/1`)
        .sort(),
    );
  });

  it('documents the bug: as published, even Meta\'s own text example fails', () => {
    const result = new SpecValidatorSet(loadMetaSpec()).schema('TextMessage')(sendText);
    expect(result.errors).toContainEqual({ path: '/messaging_product', message: 'is not allowed here' });
  });

  it('after repair, accepts the example and still rejects undeclared properties', () => {
    const validate = new SpecValidatorSet(repairedMetaSpec()).schema('TextMessage');
    expect(validate(sendText)).toEqual({ valid: true, errors: [] });
    expect(validate({ ...(sendText as object), surprise: 1 }).errors).toEqual([
      { path: '/surprise', message: 'is not allowed here' },
    ]);
  });
});

describe('repairMetaSpec', () => {
  it('works on a copy and leaves the published document as it was', () => {
    const { doc } = repairMetaSpec();
    expect(doc).not.toBe(loadMetaSpec());
    expect(JSON.stringify(loadMetaSpec().components.schemas.IncomingMessage)).toContain(`${SCHEMAS}TextMessage"`);
    expect(JSON.stringify(doc.components.schemas.IncomingMessage)).not.toContain(`${SCHEMAS}TextMessage"`);
  });
});
