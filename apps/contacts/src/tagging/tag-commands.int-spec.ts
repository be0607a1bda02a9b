import { CONTACT_TAGS_REQUESTED_V1, ContactTagsRequestedV1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { contactsHarnessForSuite, inbound } from '../testing/contacts-harness';

describe('tag commands (wa.contact.tags.requested.v1, real Kafka and Postgres)', () => {
  const h = contactsHarnessForSuite();
  const tenant = `t-${h.suffix}`;
  const phone = '15550001111';

  const command = (over: Partial<ContactTagsRequestedV1>): ContactTagsRequestedV1 => ({
    tenantId: tenant, phoneNumberId: phone, tags: ['lead'], source: 'automation', ruleId: 'r1', requestedAt: new Date().toISOString(), ...over,
  });
  const publish = (c: ContactTagsRequestedV1) => h.publish(CONTACT_TAGS_REQUESTED_V1, `${c.tenantId}:${c.phoneNumberId}:${c.waId ?? c.userId}`, c);

  it('tags a known contact, creates an unknown one with its tags, and changes nothing on redelivery', async () => {
    await h.announceNumber(phone, tenant);
    await h.publish({ topic: 'wa.inbound.message.v1', version: 1 }, `${phone}:4915100000001`, inbound({ wamid: `wamid.${h.suffix}.1`, phoneNumberId: phone, waId: '4915100000001', tenantId: tenant }));
    await waitFor(async () => (await h.contacts(tenant, 'waId=4915100000001')).length === 1, { what: 'the contact from its inbound message' });

    await publish(command({ waId: '4915100000001', tags: ['lead', 'vip'] }));
    await publish(command({ waId: '4915100000001', tags: ['lead'] })); // a redelivery / overlap
    await publish(command({ waId: '4915100000002', tags: ['new'] })); // not seen yet
    await waitFor(async () => (await h.contacts(tenant, 'waId=4915100000002')).length === 1, { what: 'the contact made by its tag command' });
    await waitFor(async () => (await h.contacts(tenant, 'waId=4915100000001'))[0].tags.length === 2, { what: 'the known contact tagged' });
    // a sentinel after the redelivery on the same key (one partition): once it is applied, the redelivery was too
    await publish(command({ waId: '4915100000001', tags: ['z-sentinel'] }));
    await waitFor(async () => (await h.contacts(tenant, 'waId=4915100000001'))[0].tags.includes('z-sentinel'), { what: 'the sentinel tag' });

    expect((await h.contacts(tenant, 'waId=4915100000001'))[0].tags).toEqual(['lead', 'vip', 'z-sentinel']);
    expect((await h.contacts(tenant, 'waId=4915100000002'))[0].tags).toEqual(['new']);
    expect((await h.contacts(tenant, 'tag=vip')).map((c: { waId: string }) => c.waId)).toEqual(['4915100000001']);
    // another tenant sees none of it
    expect(await h.contacts(`other-${h.suffix}`)).toEqual([]);
  }, 60_000);
});
