import { INBOUND_MESSAGE_V1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { freePort, randomSuffix, ServiceProcess, waitFor } from '@wabridge/testing';
import { DATABASE_URL, inbound, NotifierClient, num, status, testEnv } from '../src/testing/notifier-harness';
import { Receiver } from '../src/testing/receiver';

/**
 * The built notifier (`apps/notifier/dist/main.js`) as a child process, killed with SIGKILL
 * while its receiver is down: nothing is lost (attempts and next attempts are in Postgres),
 * every event arrives once the receiver recovers, in order per conversation.
 */
describe('notifier as a process: a receiver down for a while, the notifier killed -9 in between', () => {
  let schema: TestSchema;
  let client: NotifierClient;
  let proc: ServiceProcess;
  const receiver = new Receiver();

  beforeAll(async () => {
    schema = await freshTestSchema('notifier', { url: DATABASE_URL });
    const suffix = randomSuffix('np');
    client = new NotifierClient(suffix, schema.schema);
    const port = await freePort();
    // retries every 400 ms for two minutes here (production: 0 s, 5 s, 5 min, …): the outage spans many attempts, none runs out
    proc = new ServiceProcess('notifier', port, testEnv(suffix, schema.schema, {
      NOTIFIER_RETRY_SCHEDULE_MS: ['0', ...Array.from({ length: 300 }, () => '400')].join(','), LOG_LEVEL: 'warn',
    }));
    await proc.start(60000);
    client.url = proc.url;
    await client.connect();
    await receiver.start();
  }, 120000);
  afterAll(async () => {
    await proc?.kill();
    await receiver.stop();
    await client?.close();
    await schema?.drop().catch(() => undefined);
  });

  it('delivers every event once the receiver answers 200 again, in order per conversation, across a kill -9', async () => {
    const tenant = `tp-${num()}`;
    const pn = num();
    await client.announce(pn, tenant);
    const ep = await client.endpoint(tenant, { url: receiver.url });
    receiver.secrets = [ep.secret];
    receiver.status = 500;

    const conversations = 5;
    const perConversation = 20;
    const produce = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) {
        for (let c = 0; c < conversations; c++) {
          const waId = `49170000000${c}`;
          // messages and statuses of one conversation interleave; their order must hold at the receiver
          if (i % 4 === 3) await client.publish(STATUS_UPDATED_V1, `${pn}:${waId}`, status(pn, waId, `wamid.st-${pn}-${c}-${i}`, 'delivered'));
          else await client.publish(INBOUND_MESSAGE_V1, `${pn}:${waId}`, inbound(pn, waId, `wamid.m-${pn}-${c}-${i}`));
        }
      }
    };
    await produce(0, perConversation / 2);
    await waitFor(() => receiver.received.length >= 10, { what: 'failed attempts reach the receiver' });
    await proc.kill('SIGKILL');
    await produce(perConversation / 2, perConversation); // produced while the notifier is dead
    await proc.start(60000);
    await waitFor(() => receiver.received.length >= 20, { what: 'attempts after the restart' });
    receiver.status = 200;
    const total = conversations * perConversation;
    await waitFor(() => new Set(receiver.accepted().map((r) => r.id)).size === total, { timeoutMs: 60000, what: `${total} events accepted` }).catch(async (err) => {
      const rows = await client.sql(`SELECT status, target, attempts, count(*)::int AS n, min(next_attempt_at) AS next, max(locked_until) AS locked FROM deliveries GROUP BY 1, 2, 3`);
      throw new Error(`${(err as Error).message}; accepted ${new Set(receiver.accepted().map((r) => r.id)).size}; deliveries ${JSON.stringify(rows)}\n${proc.output}`);
    });

    const accepted = receiver.accepted();
    const failures = receiver.received.length - accepted.length;
    console.log(`kill -9 drill: ${total} events, ${failures} failed attempts while down, ${accepted.length} accepted (${accepted.length - total} duplicates)`);
    expect(accepted.every((r) => r.validFor.length === 1)).toBe(true);
    // the built service runs with OpenTelemetry on: webhook POSTs are not traced, so no internal
    // trace id reaches the tenant (ADR 0098)
    expect(receiver.received.filter((r) => r.traceparent !== undefined).map((r) => r.traceparent)).toEqual([]);
    // Per conversation the receiver accepted events in the notifier's order (delivery id order), and
    // that order is the produced order of each source topic (Kafka orders within a topic's
    // partition; an inbound message and a status are on two topics, so their relative order is
    // the order the notifier consumed them in).
    const stored = await client.sql<{ wamid: string; conv: string }>(
      `SELECT ev.body->'data'->>'wamid' AS wamid, ev.conversation_key AS conv FROM deliveries d JOIN events ev ON ev.id = d.event_id ORDER BY d.id`,
    );
    for (let c = 0; c < conversations; c++) {
      const waId = `49170000000${c}`;
      const firsts = [...new Map(accepted.filter((r) => (r.body.data.from?.waId ?? r.body.data.recipient?.waId) === waId).map((r) => [r.id, r])).values()];
      const seen = firsts.map((r) => r.body.data.wamid as string);
      expect(seen).toEqual(stored.filter((s) => s.conv === `${pn}:${waId}`).map((s) => s.wamid));
      const produced = Array.from({ length: perConversation }, (_, i) => (i % 4 === 3 ? `wamid.st-${pn}-${c}-${i}` : `wamid.m-${pn}-${c}-${i}`));
      expect(seen.filter((w) => w.startsWith('wamid.m-'))).toEqual(produced.filter((w) => w.startsWith('wamid.m-')));
      expect(seen.filter((w) => w.startsWith('wamid.st-'))).toEqual(produced.filter((w) => w.startsWith('wamid.st-')));
    }
    // at least once: a kill may repeat an attempt in flight, never more than the few that were in flight
    expect(accepted.length - total).toBeLessThanOrEqual(8);
    const rows = await client.sql<{ status: string; n: string }>(`SELECT status, count(*)::text AS n FROM deliveries GROUP BY status`);
    expect(rows).toEqual([{ status: 'delivered', n: String(total) }]);
  }, 180000);
});
