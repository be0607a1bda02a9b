import { OUTBOUND_DLQ_V1, OutboundDeadLetterV1 } from '@wabridge/contracts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, TopicCollector, waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness, waitForNumber } from '../src/testing/harness';

function num(): string {
  return String(200000 + Math.floor(Math.random() * 799999));
}

describe('dispatcher limits, faults and pauses (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  let dlq: TopicCollector<OutboundDeadLetterV1>;
  let deadIds: string[] = [];

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot({ PAIR_REFILL_MS: '100', PAIR_SAFETY_MS: '250', MAX_TRANSIENT_ATTEMPTS: '3', TRANSIENT_BACKOFF_BASE_MS: '100' });
    dlq = await TopicCollector.start<OutboundDeadLetterV1>(OUTBOUND_DLQ_V1, h.suffix);
    graph.pairRefillMs = 100;
  });
  afterAll(async () => {
    await dlq.stop();
    await h.stop();
    await graph.stop();
  });

  it('spreads a burst of 100 to one recipient by the pair rule: 45 at once, then one per refill, no 131056', async () => {
    const n = num();
    await h.number(n, graph.url, { mps: 80 });
    await waitForNumber(h, n);
    const reqs = Array.from({ length: 100 }, () => h.template(n, '4917100000001'));
    await h.send(reqs);
    await waitFor(() => graph.sent().filter((c) => c.phoneNumberId === n).length >= 100, { timeoutMs: 60000, what: '100 pair sends' });
    const calls = graph.calls.filter((c) => c.phoneNumberId === n);
    expect(calls.filter((c) => c.errorCode === 131056)).toHaveLength(0);
    const ats = calls.map((c) => c.at).sort((x, y) => x - y);
    // 55 messages beyond the burst at one per 100 ms need at least ~5.5 s.
    expect(ats[99]! - ats[0]!).toBeGreaterThanOrEqual(5000);
    expect(ats[44]! - ats[0]!).toBeLessThan(2000);
  });

  it('with 30 % 5xx, every message ends sent exactly once or in the DLQ after bounded attempts', async () => {
    const n = num();
    await h.number(n, graph.url, { mps: 200 });
    await waitForNumber(h, n);
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    graph.behaviour = (c) => (c.phoneNumberId === n && rnd() < 0.3 ? { status: 503, body: 'Service Unavailable' } : undefined);
    const reqs = Array.from({ length: 200 }, (_, i) => h.template(n, String(4917200000000 + i)));
    await h.send(reqs);
    const ids = new Set(reqs.map((r) => r.id));
    const settled = (): { sent: Map<string, number>; dead: Set<string> } => {
      const sent = new Map<string, number>();
      for (const c of graph.sent()) if (c.phoneNumberId === n) sent.set(String(c.body['biz_opaque_callback_data']), (sent.get(String(c.body['biz_opaque_callback_data'])) ?? 0) + 1);
      const dead = new Set(dlq.values().map((d) => d.request.id).filter((id) => ids.has(id)));
      return { sent, dead };
    };
    await waitFor(() => { const s = settled(); return s.sent.size + s.dead.size >= 200; }, { timeoutMs: 40000, what: 'all 200 settled' });
    graph.behaviour = () => undefined;
    const { sent, dead } = settled();
    const attempts = graph.calls.filter((c) => c.phoneNumberId === n);
    console.log(`5xx test: ${sent.size} sent, ${dead.size} dead-lettered, ${attempts.length} Graph calls`);
    expect([...sent.values()].every((v) => v === 1)).toBe(true);
    expect([...dead].filter((id) => sent.has(id))).toEqual([]);
    for (const id of dead) expect(attempts.filter((c) => c.body['biz_opaque_callback_data'] === id)).toHaveLength(3);
    expect(sent.size).toBeGreaterThan(150);
    deadIds = [...dead];
  });

  it('replays dead-lettered messages with `npm run dlq -- replay`, and each is then sent once', async () => {
    expect(deadIds.length).toBeGreaterThan(0);
    const args = ['replay', ...deadIds.flatMap((id) => ['--id', id])];
    const env = { ...process.env, ...h.env(), LOG_LEVEL: 'error' };
    const out = execFileSync(process.execPath, [join(REPO_ROOT, 'apps/dispatcher/dist/cli/dlq.js'), ...args], { env, encoding: 'utf8' });
    expect(out).toContain(`replayed ${deadIds.length}, skipped 0`);
    await waitFor(() => deadIds.every((id) => graph.sent().some((c) => c.body['biz_opaque_callback_data'] === id)), { timeoutMs: 20000, what: 'replayed messages sent' });
    for (const id of deadIds) expect(graph.sent().filter((c) => c.body['biz_opaque_callback_data'] === id)).toHaveLength(1);
    const again = execFileSync(process.execPath, [join(REPO_ROOT, 'apps/dispatcher/dist/cli/dlq.js'), ...args], { env, encoding: 'utf8' });
    expect(again).toContain(`replayed 0, skipped ${deadIds.length}`);
  });

  it('pauses a number on 190, holds its queue, and sends the held messages once after a config update', async () => {
    const n = num();
    graph.behaviour = (c) => (c.phoneNumberId === n && c.authorization !== 'Bearer good' ? { status: 401, body: { error: { code: 190, message: 'Invalid OAuth access token' } } } : undefined);
    await h.number(n, graph.url, { token: 'expired' });
    await waitForNumber(h, n);
    const first = Array.from({ length: 5 }, (_, i) => h.template(n, String(4917300000000 + i)));
    await h.send(first);
    await waitForNumber(h, n, 'paused');
    const later = Array.from({ length: 3 }, (_, i) => h.template(n, String(4917300000100 + i)));
    await h.send(later);
    await h.events.settle(1500);
    const before = graph.calls.filter((c) => c.phoneNumberId === n).length;
    expect(graph.calls.filter((c) => c.phoneNumberId === n && c.httpStatus === 200)).toHaveLength(0);
    expect(before).toBeLessThanOrEqual(5); // nothing after the pause was tried
    // The wait is visible to the customer, with its reason.
    for (const r of later) {
      expect(h.eventsFor(r.id).find((e) => e.event === 'retry-scheduled')?.error).toMatchObject({ class: 'auth', message: expect.stringContaining('number paused') });
    }
    await h.number(n, graph.url, { token: 'good' });
    await waitFor(() => graph.sent().filter((c) => c.phoneNumberId === n).length >= 8, { timeoutMs: 20000, what: 'held messages sent' });
    await h.events.settle(1000);
    const good = graph.sent().filter((c) => c.phoneNumberId === n).map((c) => c.body['biz_opaque_callback_data']);
    expect(good.sort()).toEqual([...first, ...later].map((r) => r.id).sort());
  });
});
