import { Admin, AssignerProtocol, Partitioners } from 'kafkajs';
import { freePort, ServiceProcess, waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness } from '../src/testing/harness';

const PARTITIONS = 6;
const PER_NUMBER = Number(process.env['JOIN_PER_NUMBER'] ?? 4000);
const MPS = Number(process.env['JOIN_MPS'] ?? 1000);
const LATENCY_MS = Number(process.env['JOIN_GRAPH_LATENCY_MS'] ?? 50);
const JOIN_WITHIN_MS = Number(process.env['JOIN_WITHIN_MS'] ?? 20000);
/** Meta's sent/delivered/read webhooks for every accepted send, so the state group is busy too. */
const STATUSES = process.env['JOIN_STATUSES'] !== '0';

/** One phone number id per partition of `wa.outbound.requested.v1` (kafkajs' default partitioner, keyed by number). */
function numbersOnePerPartition(): string[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  const found = new Map<number, string>();
  const base = 106000000000000 + Math.floor(Math.random() * 1e9) * 100;
  for (let i = 0; found.size < PARTITIONS && i < 100000; i++) {
    const id = String(base + i);
    const p = partitioner({ topic: 'x', partitionMetadata, message: { key: id, value: null } });
    if (!found.has(p)) found.set(p, id);
  }
  return [...found.values()];
}

interface GroupView {
  state: string;
  /** Partitions held by each member. */
  assigned: number[];
}

async function groupView(admin: Admin, group: string): Promise<GroupView> {
  const g = (await admin.describeGroups([group])).groups[0];
  return {
    state: g?.state ?? 'none',
    assigned: (g?.members ?? []).map((m) => {
      const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return a ? Object.values(a.assignment).reduce((x, p) => x + p.length, 0) : 0;
    }),
  };
}

const sharedByTwo = (v: GroupView): boolean => v.state === 'Stable' && v.assigned.length === 2 && v.assigned.every((x) => x > 0);

describe('a dispatcher instance joining while another is busy with a backlog (real Kafka and Postgres, slow Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    graph.latencyMs = LATENCY_MS;
    await graph.start();
    await h.start();
  }, 120000);
  afterAll(async () => {
    for (const p of procs) await p.kill().catch(() => undefined);
    await h.stop();
    await graph.stop();
  });

  it('the newcomer holds partitions of both groups and sends within seconds, and every message is sent exactly once', async () => {
    const env = h.env({ KAFKA_PARTITIONS: String(PARTITIONS), RECONCILE_TIMEOUT_MS: '60000', LOG_LEVEL: 'warn' });
    const a = new ServiceProcess('dispatcher', await freePort(), env);
    procs.push(a);
    await a.start(90000);
    const numbers = numbersOnePerPartition();
    for (const n of numbers) {
      graph.mps.set(n, MPS);
      await h.number(n, graph.url, { mps: MPS });
    }
    if (STATUSES) {
      graph.onSent = (call, wamid) => {
        const base = { wamid, phoneNumberId: call.phoneNumberId, recipientId: String(call.body['to']), bizOpaqueCallbackData: String(call.body['biz_opaque_callback_data']) };
        void (async () => {
          for (const status of ['sent', 'delivered', 'read'] as const) await h.status({ ...base, status });
        })().catch(() => undefined);
      };
    }
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const groups = { outbound: `dispatcher-${h.suffix}`, state: `dispatcher-${h.suffix}-state` };
      // The numbers are known before the backlog arrives (a number the dispatcher does not know is held).
      const probe = numbers.map((n) => h.template(n, '4917000000000'));
      await h.send(probe);
      const mine = new Set(probe.map((r) => r.id));
      const sentIds = (): string[] => graph.sent().map((c) => String(c.body['biz_opaque_callback_data'])).filter((id) => mine.has(id));
      await waitFor(() => sentIds().length >= probe.length, { timeoutMs: 60000, what: 'one send per number' });
      const reqs = numbers.flatMap((n) => Array.from({ length: PER_NUMBER }, (_, i) => h.template(n, String(4917100000000 + i))));
      for (const r of reqs) mine.add(r.id);
      for (let i = 0; i < reqs.length; i += 2000) await h.send(reqs.slice(i, i + 2000));
      const total = mine.size;
      await waitFor(() => sentIds().length >= probe.length + 500, { timeoutMs: 60000, what: 'the first instance busy with the backlog' });

      const b = new ServiceProcess('dispatcher', await freePort(), env);
      procs.push(b);
      const t0 = Date.now();
      const sentAtStart = new Set(sentIds()).size;
      // Both groups as seen from outside while B boots and after: when each rebalance began and ended.
      const seen = { outbound: { from: -1, to: -1 }, state: { from: -1, to: -1 } };
      let watching = true;
      const watch = (async () => {
        while (watching) {
          for (const k of ['outbound', 'state'] as const) {
            const v = await groupView(admin, groups[k]).catch(() => ({ state: 'error', assigned: [] }));
            if (seen[k].from < 0 && v.state !== 'Stable') seen[k].from = Date.now() - t0;
            if (seen[k].to < 0 && sharedByTwo(v)) seen[k].to = Date.now() - t0;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      let ready = -1;
      let bSent = -1;
      const sendsOf = async (p: ServiceProcess): Promise<number> => (await (await fetch(`${p.url}/metrics`)).text()).split('\n')
        .filter((l) => l.startsWith('dispatcher_graph_sends_total{') && l.includes('outcome="accepted"') && numbers.some((n) => l.includes(`"${n}"`)))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      try {
        await b.start(90000);
        ready = Date.now() - t0;
        await waitFor(async () => {
          if (bSent < 0 && (await sendsOf(b)) > 0) bSent = Date.now() - t0;
          return bSent >= 0 && sharedByTwo(await groupView(admin, groups.outbound)) && sharedByTwo(await groupView(admin, groups.state));
        }, { timeoutMs: JOIN_WITHIN_MS, intervalMs: 200, what: 'the second instance holding partitions of both groups and sending' });
      } finally {
        watching = false;
        await watch;
        console.log(`join while busy: ${PARTITIONS} numbers × ${PER_NUMBER} at ${MPS} mps, Graph ${LATENCY_MS} ms, statuses ${STATUSES}; ` +
          `${sentAtStart}/${total} sent when B started; B ready after ${ready} ms; rebalance (began → both hold partitions, ms after B started): ` +
          `outbound ${seen.outbound.from} → ${seen.outbound.to}, state ${seen.state.from} → ${seen.state.to}; B's first send after ${bSent} ms; ` +
          `now outbound ${JSON.stringify(await groupView(admin, groups.outbound))} state ${JSON.stringify(await groupView(admin, groups.state))}; ` +
          `${new Set(sentIds()).size}/${total} sent`);
      }
      expect(new Set(sentIds()).size).toBeLessThan(total); // B joined while A still had a backlog
      await waitFor(() => new Set(sentIds()).size >= total, { timeoutMs: 300000, intervalMs: 500, what: `all ${total} sent` });
      await new Promise((r) => setTimeout(r, 3000)); // a late second copy would show up here
      const counts = new Map<string, number>();
      for (const id of sentIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
      const duplicated = [...counts.entries()].filter(([, c]) => c > 1);
      if (duplicated.length > 0) {
        // Where the second copies came from: the instances' own counts of claims lost, reconciliations and gate waits.
        const said = async (p: ServiceProcess): Promise<string> => (await (await fetch(`${p.url}/metrics`)).text()).split('\n')
          .filter((l) => /^dispatcher_(reconciliations|retries_scheduled|duplicates_skipped|errors)_total|^dispatcher_send_gate_wait_seconds_(bucket\{le="(1|5|\+Inf)"|sum)/.test(l)).join(' | ');
        const [id] = duplicated[0]!;
        const at = graph.sent().filter((c) => String(c.body['biz_opaque_callback_data']) === id).map((c) => c.at - t0);
        console.log(`${duplicated.length} sent twice; ${id} at ${at.join(' and ')} ms after B started\nA: ${await said(a)}\nB: ${await said(b)}`);
      }
      expect(counts.size).toBe(total);
      expect(duplicated).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  }, 600000);
});
