import { waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness, waitForNumber } from '../src/testing/harness';

/**
 * An automated reply (an internal producer, source `kafka`) races the contacts service's window
 * update for the inbound message it answers (ADR 0135): it waits up to WINDOW_GRACE_MS for the
 * window to show open instead of being rejected at once; API sends are judged at once.
 */
describe('dispatcher: window grace for internal producers (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const NUM = String(100000 + Math.floor(Math.random() * 899999));

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot({ WINDOW_GRACE_MS: '4000' });
    await h.number(NUM, graph.url, { token: 'secret-token' });
    await waitForNumber(h, NUM);
  }, 90_000);
  afterAll(async () => {
    await h.stop();
    await graph.stop();
  });

  it('sends an automated reply whose window update arrives after it, and rejects one whose window never opens', async () => {
    const early = { ...h.request(NUM, '4915100000071'), source: 'kafka' as const };
    const never = { ...h.request(NUM, '4915100000072'), source: 'kafka' as const };
    const api = h.request(NUM, '4915100000073');
    await h.send([early, never, api]);
    await waitFor(() => h.kinds(early.id).includes('retry-scheduled') && h.kinds(api.id).includes('rejected'), { what: 'the reply waiting, the API send rejected' });
    await h.contact(NUM, '4915100000071'); // the window opened by the user's message, late
    await waitFor(() => h.kinds(early.id).includes('sent'), { what: 'the reply sent once the window showed open', timeoutMs: 30_000 });
    await waitFor(() => h.kinds(never.id).includes('rejected'), { what: 'the reply rejected after the grace', timeoutMs: 30_000 });
    expect(h.eventsFor(never.id).find((e) => e.event === 'rejected')!.error).toMatchObject({ class: 'compliance', message: expect.stringContaining('outside-window') });
    expect(graph.calls.map((c) => c.body['biz_opaque_callback_data'])).toEqual([early.id]);
  }, 60_000);
});
