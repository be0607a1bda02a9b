import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadMetaSpec } from './openapi/meta-spec';
import type {
  WebhookContact,
  WebhookMessage,
  WebhookMessagesChange,
  WebhookPayload,
  WebhookPricing,
  WebhookStatus,
} from './webhook-envelope';

const FIXTURES = path.resolve(__dirname, '..', '..', 'testing', 'fixtures', 'meta-webhooks');

/*
 * Most of this file is checked by the compiler (tsc -p libs/meta/tsconfig.json): the objects
 * below are the 2026 shapes and must type-check; the @ts-expect-error lines must not.
 */

const bsuidMessage = {
  from_user_id: 'US.13491208655302741918',
  from_parent_user_id: 'US.11815799212886844830',
  id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
  timestamp: '1749416383',
  type: 'text',
  text: { body: 'Does it come in another color?' },
} satisfies WebhookMessage;

const usernameContact = {
  profile: { name: 'Sheena Nelson', username: '@realsheenanelson' },
  user_id: 'US.13491208655302741918',
  parent_user_id: 'US.11815799212886844830',
} satisfies WebhookContact;

const pmpPricing = {
  billable: false,
  pricing_model: 'PMP',
  type: 'free_customer_service',
  category: 'authentication-international',
} satisfies WebhookPricing;

const playedStatus = {
  id: 'wamid.xyzxyz',
  status: 'played',
  timestamp: '1689380458',
  recipient_user_id: 'US.13491208655302741918',
  recipient_parent_user_id: 'US.ENT.11815799212886844830',
  pricing: { ...pmpPricing, category: 'authentication_international' },
  biz_opaque_callback_data: '01JQ0000000000000000000000',
} satisfies WebhookStatus;

const payload = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            contacts: [usernameContact],
            messages: [bsuidMessage],
            statuses: [playedStatus],
          },
        },
      ],
    },
  ],
} satisfies WebhookPayload;

function narrowsByType(message: WebhookMessage): string | undefined {
  // The spec's per-type union survives the 2026 extension: `type` still discriminates.
  if (message.type === 'text') return message.text.body;
  if (message.type === 'image') return message.image.caption;
  return undefined;
}

// @ts-expect-error an unknown status is not a WebhookStatus
const badStatus: WebhookStatus = { ...playedStatus, status: 'opened' };
// @ts-expect-error pricing.type is a closed set
const badPricing: WebhookPricing = { type: 'free_everything' };
// @ts-expect-error only PMP and CBP pricing models exist
const badModel: WebhookPricing = { pricing_model: 'XYZ' };
void [badStatus, badPricing, badModel];

describe('webhook envelope types', () => {
  it('describe the BSUID fixture as it arrives', () => {
    const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'message-text-bsuid--pywa-1.json'), 'utf8')) as WebhookPayload;
    const change = fixture.entry[0]?.changes[0] as WebhookMessagesChange;
    expect(change.value.messages?.[0]).toEqual(bsuidMessage);
    expect(narrowsByType(bsuidMessage)).toBe('Does it come in another color?');
    expect(payload.entry[0]?.changes[0]?.value.statuses[0]?.status).toBe('played');
  });

  // When one of these fails, Meta's spec has caught up: regenerate the types and drop the
  // matching hand-written extension in webhook-envelope.ts.
  it('extend what the v23 spec still lacks', () => {
    const schemas = loadMetaSpec().components.schemas as Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    const statuses = schemas.Statuses;
    const status = statuses?.properties.status as { enum: string[] };
    expect(status.enum).not.toContain('played');
    expect(statuses?.required).toContain('recipient_id');
    expect(statuses?.properties).not.toHaveProperty('recipient_user_id');
    expect(statuses?.properties).not.toHaveProperty('biz_opaque_callback_data');
    expect(schemas.Pricing?.properties).not.toHaveProperty('type');
    expect(schemas.ContactProfile?.properties).not.toHaveProperty('user_id');
    expect(schemas.BaseMessageProperties_1?.required).toContain('from');
    expect(schemas.BaseMessageProperties_1?.properties).not.toHaveProperty('from_user_id');
  });
});
