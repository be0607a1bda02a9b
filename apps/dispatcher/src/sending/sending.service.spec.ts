import { ManualClock } from '../common/clock';
import { parseGraphError } from '../errors/meta-error-taxonomy';
import { DEFAULT_BACKOFF } from '../retry/backoff';
import { number, request, T0, template } from '../testing/pipeline-fakes';
import { GraphResult, GraphSendInput } from './graph.client';
import { SendingService } from './sending.service';

/** Meta's error body for a code, as Graph answers it. */
function metaError(httpStatus: number, code?: number, message = 'refused'): GraphResult {
  return { ok: false, error: parseGraphError(httpStatus, { error: { message, type: 'OAuthException', ...(code !== undefined ? { code } : {}), fbtrace_id: 'trace' } }) };
}

function setup(answer: GraphResult) {
  const clock = new ManualClock(T0);
  const calls: GraphSendInput[] = [];
  const graph = { send: async (i: GraphSendInput) => { calls.push(i); return answer; } };
  const effects: { class: string; code?: number }[] = [];
  const sideEffects = { apply: async (err: { class: string; code?: number }) => { effects.push({ class: err.class, code: err.code }); } };
  const state = { accessToken: async (id: string) => `token-of-${id}` };
  const sending = new SendingService(graph, state, sideEffects, clock, () => 0.5, {
    reconcileTimeoutMs: 120_000, backoff: { ...DEFAULT_BACKOFF, maxTransientAttempts: 3, transientBaseMs: 1000 },
  });
  return { sending, calls, effects };
}

async function attempt(answer: GraphResult, attemptNo = 1, backoffStep = 0) {
  const s = setup(answer);
  const req = template();
  const outcome = await s.sending.send(await s.sending.prepare(req, number()), req, attemptNo, backoffStep);
  return { ...s, outcome };
}

describe('sending: the Graph call and what Meta\'s answer means', () => {
  it('posts the Cloud API body with our id as biz_opaque_callback_data and the number\'s token', async () => {
    const { sending, calls } = setup({ ok: true, wamid: 'wamid.X', httpStatus: 200 });
    const req = request({ recipient: undefined, to: '4915100000009', message: { text: { body: 'hi' } } });
    expect(await sending.send(await sending.prepare(req, number()), req, 1, 0)).toEqual({ ok: true, wamid: 'wamid.X' });
    expect(calls).toEqual([{
      baseUrl: 'http://graph.test', version: 'v23.0', phoneNumberId: '1500001', accessToken: 'token-of-1500001',
      body: { text: { body: 'hi' }, messaging_product: 'whatsapp', recipient_type: 'individual', to: '4915100000009', type: 'text', biz_opaque_callback_data: req.id },
    }]);
  });

  it('maps 131049 (per-user marketing limit) to failed, with the marketing hold applied, no retry', async () => {
    const { outcome, effects } = await attempt(metaError(400, 131049));
    expect(outcome).toMatchObject({ ok: false, decision: { action: 'fail' }, disposition: { kind: 'fail', error: { class: 'quality', code: 131049 }, attempt: 1 } });
    expect(effects).toEqual([{ class: 'quality', code: 131049 }]);
  });

  it('maps 130429 (number throughput) to a per-number retry doubling from a second', async () => {
    const first = await attempt(metaError(400, 130429));
    expect(first.outcome).toMatchObject({
      ok: false, decision: { action: 'retry', scope: 'number', delayMs: 1000, backoffStep: 1 },
      disposition: { kind: 'defer', reason: 'throttled', notBefore: T0 + 1000, extra: { backoffStep: 1, lastError: '130429: refused' } },
    });
    const third = await attempt(metaError(400, 130429), 3, 2);
    expect(third.outcome).toMatchObject({ decision: { action: 'retry', scope: 'number', delayMs: 4000, backoffStep: 3 } });
  });

  it('maps 131056 (pair rate) to a per-pair retry of 4^n seconds', async () => {
    const { outcome } = await attempt(metaError(400, 131056), 1, 2);
    expect(outcome).toMatchObject({ decision: { action: 'retry', scope: 'pair', delayMs: 16_000, backoffStep: 3 }, disposition: { kind: 'defer', reason: 'throttled', notBefore: T0 + 16_000 } });
  });

  it('maps a 5xx without a code to a bounded transient retry, then the dead letter', async () => {
    const retried = await attempt(metaError(503), 2);
    // base·2^(n-1) = 2 s, half fixed and half random (random 0.5): 1.5 s.
    expect(retried.outcome).toMatchObject({ decision: { action: 'retry', scope: 'message', delayMs: 1500 }, disposition: { kind: 'defer', reason: 'transient', notBefore: T0 + 1500 } });
    const last = await attempt(metaError(503), 3);
    expect(last.outcome).toMatchObject({ decision: { action: 'dead-letter' }, disposition: { kind: 'dead-letter', reason: 'transient errors after 3 attempt(s)' } });
  });

  it('keeps a send whose outcome is unknown (timeout) attempting, to be reconciled after the timeout', async () => {
    const { outcome } = await attempt({ ok: false, error: { class: 'transient', message: 'Graph call timed out after 10000 ms', httpStatus: 0, outcomeUnknown: true } });
    expect(outcome).toMatchObject({ decision: { action: 'reconcile' }, disposition: { kind: 'defer', reason: 'reconcile', notBefore: T0 + 120_000, extra: { keepAttempting: true } } });
  });

  it('pauses the number on an auth error (190) and fails a permanent one (131026) without retry', async () => {
    expect((await attempt(metaError(401, 190))).outcome).toMatchObject({ decision: { action: 'pause-number' }, disposition: { kind: 'pause-number', number: { phoneNumberId: '1500001' }, error: { class: 'auth', code: 190 } } });
    expect((await attempt(metaError(400, 131026))).outcome).toMatchObject({ decision: { action: 'fail' }, disposition: { kind: 'fail' } });
  });
});
