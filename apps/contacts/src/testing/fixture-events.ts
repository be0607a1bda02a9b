import { InboundMessageV1, INBOUND_MESSAGE_TYPES, InboundMessageType } from '@wabridge/contracts';
import { fixtureFiles, uniqueFixture } from '@wabridge/testing';

type Obj = Record<string, any>;

/**
 * Turns a webhook body of the repo's corpus into the inbound events the ingress normalizer
 * publishes (same contract), for tests that must not depend on the ingress being up.
 */
export function inboundEventsFromWebhook(body: Obj, appId = 'app-1'): InboundMessageV1[] {
  const out: InboundMessageV1[] = [];
  for (const entry of body.entry ?? []) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'messages') continue;
      const v = change.value ?? {};
      const contacts: Obj[] = v.contacts ?? [];
      for (const m of v.messages ?? []) {
        const contact =
          contacts.find((c) => (m.from && c.wa_id === m.from) || (m.from_user_id && c.user_id === m.from_user_id)) ??
          (contacts.length === 1 ? contacts[0] : undefined);
        const type: InboundMessageType = (INBOUND_MESSAGE_TYPES as readonly string[]).includes(m.type) ? m.type : 'unsupported';
        out.push({
          wamid: m.id, type, ...(type !== m.type && m.type ? { metaType: m.type } : {}),
          phoneNumberId: v.metadata.phone_number_id, displayPhoneNumber: v.metadata.display_phone_number,
          wabaId: entry.id, appId,
          ...(m.from ? { waId: m.from } : {}),
          ...(m.from_user_id ? { userId: m.from_user_id } : {}),
          ...(m.from_parent_user_id ? { parentUserId: m.from_parent_user_id } : {}),
          ...(contact?.profile?.username ? { username: contact.profile.username } : {}),
          ...(contact?.profile?.name ? { profileName: contact.profile.name } : {}),
          ...(m.context?.id ? { contextWamid: m.context.id } : {}),
          occurredAt: new Date(/^\d+$/.test(String(m.timestamp)) ? Number(m.timestamp) * 1000 : Date.parse('2026-01-01T00:00:00Z')).toISOString(),
          receivedAt: new Date().toISOString(),
          raw: m, ...(contact ? { contact } : {}),
        });
      }
    }
  }
  return out;
}

/** Every `message-*` fixture, ids made unique with `tag`, as inbound events. */
export function corpusInboundEvents(tag: string): { file: string; events: InboundMessageV1[] }[] {
  return fixtureFiles()
    .filter((f) => f.startsWith('message-'))
    .map((file) => ({ file, events: inboundEventsFromWebhook(JSON.parse(uniqueFixture(file, tag).raw.toString('utf8'))) }));
}
