import { waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness, waitForNumber } from '../src/testing/harness';

/**
 * A reply races the contacts service's window update for the inbound message it answers (ADR
 * 0135/0219): a free-form send from the API or from an internal producer waits up to
 * WINDOW_GRACE_MS for the window to show open instead of being rejected at once, without telling
 * the customer about the wait.
 */
describe('dispatcher: window grace for replies (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const NUM = String(100000 + Math.floor(Math.random() * 899999));
  const statusOf = async (id: string): Promise<string | undefined> =>
    (await h.dispatcher!.dataSource.query<{ status: string }[]>(`SELECT status FROM ${h.schema.schema}.messages WHERE id = $1`, [id]))[0]?.status;

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot({ WINDOW_GRACE_MS: '6000' });
    await h.number(NUM, graph.url, { token: 'secret-token' });
    await waitForNumber(h, NUM);
  }, 90_000);
  afterAll(async () => {
    await h.stop();
    await graph.stop();
  });

  it('sends API and automated replies whose window update arrives after them, and rejects those whose window never opens', async () => {
    const api = h.request(NUM, '4915100000071');
    const auto = { ...h.request(NUM, '4915100000072'), source: 'kafka' as const };
    const apiNever = h.request(NUM, '4915100000073');
    const autoNever = { ...h.request(NUM, '4915100000074'), source: 'kafka' as const };
    const all = [api, auto, apiNever, autoNever];
    await h.send(all);
    // All four wait for their window (scheduled, not rejected) ...
    await waitFor(async () => (await Promise.all(all.map((r) => statusOf(r.id)))).every((s) => s === 'scheduled'), { what: 'the replies waiting for their window' });
    expect(all.flatMap((r) => h.kinds(r.id).filter((k) => k !== 'accepted'))).toEqual([]);
    // ... until the user's message that opened it shows, late.
    await h.contact(NUM, '4915100000071');
    await h.contact(NUM, '4915100000072');
    await waitFor(() => h.kinds(api.id).includes('sent') && h.kinds(auto.id).includes('sent'), { what: 'the replies sent once the window showed open', timeoutMs: 30_000 });
    await waitFor(() => h.kinds(apiNever.id).includes('rejected') && h.kinds(autoNever.id).includes('rejected'), { what: 'the others rejected after the grace', timeoutMs: 30_000 });
    for (const r of [apiNever, autoNever]) {
      expect(h.eventsFor(r.id).find((e) => e.event === 'rejected')!.error).toMatchObject({ class: 'compliance', message: expect.stringContaining('outside-window') });
    }
    // No retry_scheduled for a routine wait; one Graph call per sent reply.
    expect(all.map((r) => h.kinds(r.id).filter((k) => k === 'retry-scheduled').length)).toEqual([0, 0, 0, 0]);
    expect(graph.calls.map((c) => c.body['biz_opaque_callback_data']).sort()).toEqual([api.id, auto.id].sort());
  }, 60_000);
});
