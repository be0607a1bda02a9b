import { waitFor } from '@wabridge/testing';
import { call, Platform, type ServiceName } from './platform-harness';

// One log format everywhere (ADR 0179): read the services' own output and follow one send by
// its trace id, as an operator would with `grep trace_id` in their log store.
const NUMBER = { phoneNumberId: '109000000000179', displayPhoneNumber: '15550000179', wabaId: '209000000000179', accessToken: 'e2e-logs-graph-token' };
const USER = '4915112340179';

type Line = Record<string, unknown> & { service?: string; msg?: string; trace_id?: string; span_id?: string };

function linesOf(platform: Platform, name: ServiceName): Line[] {
  const out: Line[] = [];
  for (const text of platform.get(name).longOutput.split('\n')) {
    if (!text.trim()) continue;
    try {
      out.push(JSON.parse(text) as Line);
    } catch {
      out.push({ service: name, msg: `NOT JSON: ${text}` });
    }
  }
  return out;
}

describe('logs: one JSON format with trace ids across the services of a send', () => {
  let platform: Platform;
  let apiKey: string;

  beforeAll(async () => {
    platform = new Platform({ env: { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' } });
    await platform.start();
    apiKey = await platform.onboard(NUMBER);
  }, 300000);

  afterAll(async () => {
    await platform?.stop();
  }, 120000);

  it('every line is JSON, and the gateway, dispatcher and sandbox lines of one send carry its trace id', async () => {
    const gw = platform.get('gateway').url;
    const sent = await call('POST', `${gw}/v1/messages`, {
      phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } },
    }, { authorization: `Bearer ${apiKey}` });
    expect(sent.status).toBe(202);
    const id = sent.body.id as string;
    await waitFor(async () => {
      const r = await call('GET', `${gw}/v1/messages/${id}`, undefined, { authorization: `Bearer ${apiKey}` });
      return ['delivered', 'read'].includes(r.body?.status) ? true : undefined;
    }, { timeoutMs: 60000, what: 'the message to be delivered' });

    // the dispatcher's line for this message (it has the log context) names the trace
    const dispatched = await waitFor(() => linesOf(platform, 'dispatcher').find((l) => l.message_id === id && l.msg === 'sent to Graph'),
      { timeoutMs: 10000, what: 'the dispatcher line for the send' });
    const traceId = dispatched.trace_id;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(dispatched).toMatchObject({ service: 'dispatcher', level: 'debug', tenant_id: expect.any(String), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });

    // the gateway's line for the POST and the sandbox's line for the Graph call: same trace
    const post = linesOf(platform, 'gateway').find((l) => l.msg === 'request' && l.method === 'POST' && l.url === '/v1/messages');
    // … naming the tenant the guard authenticated (the same tenant as the dispatcher's line)
    expect(post).toMatchObject({ service: 'gateway', status: 202, trace_id: traceId, tenant_id: dispatched.tenant_id });
    const graphCall = linesOf(platform, 'sandbox').find((l) => l.msg === 'request' && l.method === 'POST' && String(l.url).endsWith(`/${NUMBER.phoneNumberId}/messages`));
    expect(graphCall).toMatchObject({ service: 'sandbox', status: 200, trace_id: traceId });

    // Meta's status webhooks start their own traces (linked to the send, ADR 0004): the
    // ingress line for each webhook POST carries a trace id of its own, never none.
    const webhooks = linesOf(platform, 'ingress').filter((l) => l.msg === 'request' && l.method === 'POST' && String(l.url).startsWith('/webhooks/meta/'));
    expect(webhooks.length).toBeGreaterThan(0);
    for (const w of webhooks) {
      expect(w.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(w.trace_id).not.toBe(traceId); // Meta does not carry our trace (the sandbox neither)
    }

    // one format: every line of every service is a JSON object with level, time and service;
    // no Nest console lines, no kafkajs JSON of its own, and no token in any line
    for (const name of ['gateway', 'dispatcher', 'sandbox', 'ingress', 'contacts'] as const) {
      const lines = linesOf(platform, name);
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) {
        expect(l).toMatchObject({ level: expect.any(String), time: expect.any(String), service: name });
      }
      const text = platform.get(name).longOutput;
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(NUMBER.accessToken);
      expect(text).not.toContain(platform.adminToken);
    }
  }, 120000);
});
