import { OutboundEventV1, StatusUpdatedV1 } from '@wabridge/contracts';
import { FactChanges, factChanges, MessageFact, mergeFact, Observation, observeOutbound, observeRequest, observeStatus } from './message-fact';

const T = Date.parse('2026-03-10T10:00:00Z');
const outbound = (event: OutboundEventV1['event'], at: number, extra: Partial<OutboundEventV1> = {}): Observation =>
  observeOutbound({ id: 'm1', tenantId: 't', phoneNumberId: '1555', recipient: '4915112345678', event, occurredAt: new Date(at).toISOString(), ...extra });
const status = (s: StatusUpdatedV1['status'], at: number, extra: Partial<StatusUpdatedV1> = {}): Observation =>
  observeStatus({ wamid: 'w1', status: s, phoneNumberId: '1555', wabaId: 'w', appId: 'a', bizOpaqueCallbackData: 'm1', recipientId: '4915112345678', occurredAt: new Date(at).toISOString(), receivedAt: new Date(at).toISOString(), raw: {}, ...extra }, 't');

/** Folds observations one by one, collecting every change (as one event per batch would). */
function foldAll(obs: Observation[]): { fact: MessageFact | undefined; changes: FactChanges[] } {
  let fact: MessageFact | undefined;
  const changes: FactChanges[] = [];
  for (const o of obs) {
    const next = mergeFact(fact, o);
    changes.push(factChanges(fact, next));
    fact = next;
  }
  return { fact, changes };
}
const metrics = (c: FactChanges[]) => c.flatMap((x) => x.counts.map((k) => k.metric)).sort();
const pairs = (c: FactChanges[]) => c.flatMap((x) => x.samples.map((s) => `${s.pair}=${s.ms}`)).sort();

describe('message facts', () => {
  const life = [
    outbound('accepted', T), outbound('sent', T + 400, { wamid: 'w1' }),
    status('sent', T + 500, { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } }),
    status('delivered', T + 2400), status('read', T + 32_400),
  ];

  it('counts each milestone, the pricing and each latency pair once', () => {
    const { changes } = foldAll(life);
    expect(metrics(changes)).toEqual(['accepted', 'billable', 'delivered', 'read', 'sent']);
    expect(pairs(changes)).toEqual(['acceptedToSent=400', 'deliveredToRead=30000', 'sentToDelivered=2000']);
  });

  it('counts the same, in the same hours, whatever order the events arrive in, and nothing for duplicates', () => {
    const reversed = foldAll([...life].reverse());
    const twice = foldAll([...life, ...life]);
    expect(metrics(reversed.changes)).toEqual(metrics(foldAll(life).changes));
    expect(pairs(reversed.changes)).toEqual(pairs(foldAll(life).changes));
    expect(metrics(twice.changes)).toEqual(metrics(foldAll(life).changes));
    expect(twice.changes.slice(life.length).every((c) => c.counts.length === 0 && c.samples.length === 0)).toBe(true);
  });

  it('buckets a latency sample by its later milestone and a failure by its class and code', () => {
    const { changes } = foldAll([outbound('accepted', T - 3_600_000), outbound('failed', T, { error: { class: 'permanent', code: 131008, message: 'Required parameter is missing' } })]);
    const failed = changes.flatMap((c) => c.counts).find((c) => c.metric === 'failed')!;
    expect(failed).toMatchObject({ at: T, dims: ['permanent', '131008'] });
    expect(changes[1]!.errorTitle).toEqual({ code: 131008, title: 'Required parameter is missing', at: T });
  });

  it('ignores the dispatcher\'s delivered/read echoes (statuses carry Meta\'s own time) and retry scheduling', () => {
    expect(outbound('delivered', T).at).toEqual({});
    expect(outbound('retry-scheduled', T).at).toEqual({});
    expect(outbound('dead-lettered', T).at).toEqual({ failed: T });
  });

  describe('per campaign (ADR 0155)', () => {
    const request = observeRequest({ id: 'm1', tenantId: 't', phoneNumberId: '1555', to: '4915112345678', type: 'text', message: { type: 'text', text: { body: 'x' } }, source: 'campaign', requestedAt: new Date(T).toISOString(), campaignId: 'camp1' } as never)!;
    const campaignCounts = (c: FactChanges[]) => c.flatMap((x) => x.counts.filter((k) => k.metric.startsWith('campaign_')));

    it('counts the charge for the campaign once, whether the command comes before or after the statuses', () => {
      for (const order of [[request, ...life], [...life, request], [life[2]!, request, ...life]]) {
        const counted = campaignCounts(foldAll(order).changes);
        expect(counted).toEqual([{ phoneNumberId: '1555', at: T + 2400, metric: 'campaign_billable', dims: ['camp1', 'marketing', '49', 'PMP'] }]);
        expect(metrics(foldAll(order).changes).filter((m) => m === 'billable')).toEqual(['billable']);
      }
    });

    it('counts nothing for a campaign message that was priced but never delivered, and nothing without a campaign', () => {
      expect(campaignCounts(foldAll([request, ...life.slice(0, 3), outbound('failed', T + 900)]).changes)).toEqual([]);
      expect(campaignCounts(foldAll(life).changes)).toEqual([]);
    });

    it('namespaces a CBP conversation by the campaign, so the campaign is charged once per conversation', () => {
      const cbp = status('delivered', T + 1000, { pricing: { billable: true, pricing_model: 'CBP', category: 'utility' }, conversation: { id: 'conv9' } } as never);
      const [charge] = campaignCounts(foldAll([request, cbp]).changes);
      expect(charge).toMatchObject({ metric: 'campaign_billable', billingUnit: 'campaign:camp1:conv:conv9' });
    });
  });

  it('keys a status by our id from biz_opaque_callback_data, else by its wamid', () => {
    expect(status('delivered', T).messageKey).toBe('m1');
    expect(status('delivered', T, { bizOpaqueCallbackData: undefined }).messageKey).toBe('wamid:w1');
  });
});
