import { WabridgeApiError, WabridgeClient, WabridgeNetworkError, WabridgeTimeoutError, retryAfterMs } from './index';

interface Seen { method: string; url: string; headers: Record<string, string>; body: string | undefined }

/** A fetch that answers from a script and records what it was asked. */
function scripted(answers: (Response | Error | ((seen: Seen) => Response))[]) {
  const seen: Seen[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const s: Seen = { method: init?.method ?? 'GET', url: String(input), headers: init?.headers as Record<string, string>, body: init?.body as string | undefined };
    seen.push(s);
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(s) : next;
  }) as typeof fetch;
  return { seen, fetchFn };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const error = (status: number, code: string, headers: Record<string, string> = {}) => json(status, { error: { code, message: `${code}!`, details: [{ field: 'x' }] } }, headers);

function client(answers: Parameters<typeof scripted>[0], extra: Partial<ConstructorParameters<typeof WabridgeClient>[0]> = {}) {
  const { seen, fetchFn } = scripted(answers);
  const sleeps: number[] = [];
  const c = new WabridgeClient({
    baseUrl: 'http://gw.test/', apiKey: 'wbk_live_key', fetch: fetchFn, sleep: async (ms) => void sleeps.push(ms),
    now: () => Date.parse('2026-12-06T10:00:00Z'), random: () => 0.5, ...extra,
  });
  return { c, seen, sleeps };
}

const send = { phoneNumberId: '106540352242922', to: '+14155550123', type: 'text' as const, text: { body: 'Hello' } };

describe('WabridgeClient requests', () => {
  it('sends the API key as Bearer, JSON bodies, and returns the parsed answer', async () => {
    const { c, seen } = client([json(202, { id: '01J', status: 'accepted' })]);
    await expect(c.sendMessage(send)).resolves.toEqual({ id: '01J', status: 'accepted' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'http://gw.test/v1/messages', body: JSON.stringify(send) });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer wbk_live_key', 'content-type': 'application/json' });
  });

  it('fills path parameters (encoded) and the query, skipping undefined values', async () => {
    const { c, seen } = client([json(200, { id: 'a/b' }), json(200, { data: [], nextCursor: null })]);
    await c.get('/v1/messages/{id}', { path: { id: 'a/b' } });
    await c.get('/v1/conversations', { query: { phoneNumberId: '1', status: 'open', cursor: undefined, limit: 5 } });
    expect(seen.map((s) => s.url)).toEqual(['http://gw.test/v1/messages/a%2Fb', 'http://gw.test/v1/conversations?phoneNumberId=1&status=open&limit=5']);
  });

  it('throws a typed error with code, message and details from {error:{…}}', async () => {
    const { c } = client([error(404, 'not_found')]);
    const err = await c.get('/v1/messages/{id}', { path: { id: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WabridgeApiError);
    expect(err).toMatchObject({ status: 404, code: 'not_found', message: 'not_found!', details: [{ field: 'x' }], attempts: 1 });
  });

  it("reads Meta's error shape on the Cloud API routes (numeric code as a string)", async () => {
    const { c } = client([json(400, { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100 } })]);
    await expect(c.post('/{version}/{phoneNumberId}/messages', { path: { version: 'v23.0', phoneNumberId: '1' } })).rejects.toMatchObject({ status: 400, code: '100', message: 'Invalid parameter' });
  });
});

describe('WabridgeClient idempotency keys', () => {
  it('puts a fresh Idempotency-Key on each send and keeps it across retries', async () => {
    let n = 0;
    const { c, seen } = client([error(503, 'unavailable', { 'retry-after': '1' }), json(202, { id: 'A', status: 'accepted' }), json(202, { id: 'B', status: 'accepted' })], { idempotencyKey: () => `key-${++n}` });
    await c.sendMessage(send);
    await c.sendMessage(send);
    expect(seen.map((s) => s.headers['Idempotency-Key'])).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('uses the caller’s key when given, and sets none on routes that take none', async () => {
    const { c, seen } = client([json(202, { id: 'A', status: 'accepted' }), json(201, {})]);
    await c.sendMessage(send, { idempotencyKey: 'order-42' });
    await c.post('/v1/webhook-endpoints', { body: { url: 'https://example.com/hook' } });
    expect(seen[0]!.headers['Idempotency-Key']).toBe('order-42');
    expect(Object.keys(seen[1]!.headers).map((h) => h.toLowerCase())).not.toContain('idempotency-key');
  });
});

describe('WabridgeClient retries', () => {
  it('retries 429 after the Retry-After seconds it names, then succeeds', async () => {
    const { c, seen, sleeps } = client([error(429, 'rate_limited', { 'retry-after': '2' }), error(429, 'rate_limited', { 'retry-after': '7' }), json(200, { id: 'm' })]);
    const res = await c.call('get', '/v1/messages/{id}', { path: { id: 'm' } });
    expect(res).toMatchObject({ status: 200, data: { id: 'm' }, attempts: 3 });
    expect(sleeps).toEqual([2100, 7350]); // as asked, plus 10 % × random (0.5) of jitter
    expect(seen).toHaveLength(3);
  });

  it('honours a Retry-After HTTP date', async () => {
    const { c, sleeps } = client([error(503, 'unavailable', { 'retry-after': 'Sun, 06 Dec 2026 10:00:05 GMT' }), json(200, {})]);
    await c.get('/v1/messages/{id}', { path: { id: 'm' } });
    expect(sleeps).toEqual([5250]);
  });

  it('backs off exponentially (with jitter) when no Retry-After is given', async () => {
    const { c, sleeps } = client([error(503, 'unavailable'), error(503, 'unavailable'), error(503, 'unavailable'), json(200, {})], { retry: { baseDelayMs: 400 } });
    await c.get('/v1/messages/{id}', { path: { id: 'm' } });
    expect(sleeps).toEqual([300, 600, 1200]); // ceiling 400·2^n, half fixed + half × random 0.5
  });

  it('gives up after maxRetries and throws the last answer', async () => {
    const { c, seen, sleeps } = client([error(429, 'rate_limited', { 'retry-after': '1' }), error(429, 'rate_limited', { 'retry-after': '1' }), error(429, 'rate_limited', { 'retry-after': '1' })], { retry: { maxRetries: 2 } });
    await expect(c.get('/v1/messages/{id}', { path: { id: 'm' } })).rejects.toMatchObject({ status: 429, code: 'rate_limited', attempts: 3 });
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([1050, 1050]);
  });

  it('does not wait longer than maxDelayMs: a Retry-After beyond it is thrown at once', async () => {
    const { c, sleeps } = client([error(503, 'unavailable', { 'retry-after': '3600' })], { retry: { maxDelayMs: 10_000 } });
    const err = await c.get('/v1/messages/{id}', { path: { id: 'm' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, attempts: 1 });
    expect((err as WabridgeApiError).headers.get('retry-after')).toBe('3600');
    expect(sleeps).toEqual([]);
  });

  it('does not retry other errors (400, 409, 500)', async () => {
    for (const status of [400, 409, 500]) {
      const { c, seen } = client([error(status, 'x'), json(202, {})]);
      await expect(c.sendMessage(send)).rejects.toMatchObject({ status });
      expect(seen).toHaveLength(1);
    }
  });

  it('repeats a send after a lost connection (same key) but not a POST without one', async () => {
    const lost = () => new TypeError('fetch failed');
    const a = client([lost(), json(202, { id: 'A', status: 'accepted' })]);
    await expect(a.c.sendMessage(send)).resolves.toMatchObject({ id: 'A' });
    expect(a.seen[0]!.headers['Idempotency-Key']).toBe(a.seen[1]!.headers['Idempotency-Key']);
    const b = client([lost(), json(201, {})]);
    await expect(b.c.post('/v1/webhook-endpoints', { body: { url: 'https://example.com/h' } })).rejects.toBeInstanceOf(WabridgeNetworkError);
    expect(b.seen).toHaveLength(1);
  });

  it('times out each attempt and reports a timeout when retries are used up', async () => {
    const fetchFn = ((_u: string, init?: RequestInit) => new Promise((_res, rej) => init?.signal?.addEventListener('abort', () => rej(init.signal!.reason)))) as unknown as typeof fetch;
    const sleeps: number[] = [];
    const c = new WabridgeClient({ baseUrl: 'http://gw.test', apiKey: 'k', fetch: fetchFn, timeoutMs: 20, retry: { maxRetries: 1 }, sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
    const err = await c.get('/v1/messages/{id}', { path: { id: 'm' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WabridgeTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 20, attempts: 2 });
    expect(sleeps).toHaveLength(1);
  });
});

describe('WabridgeClient pagination', () => {
  it('follows nextCursor until null and yields every item once', async () => {
    const { c, seen } = client([
      json(200, { data: [{ id: 1 }, { id: 2 }], nextCursor: 'c2' }),
      json(200, { data: [{ id: 3 }], nextCursor: 'c3' }),
      json(200, { data: [], nextCursor: null }),
    ]);
    const items = [];
    for await (const item of c.paginate('/v1/conversations', { query: { phoneNumberId: '1', limit: 2 } })) items.push(item);
    expect(items.map((i) => (i as unknown as { id: number }).id)).toEqual([1, 2, 3]);
    expect(seen.map((s) => new URL(s.url).search)).toEqual(['?phoneNumberId=1&limit=2', '?phoneNumberId=1&limit=2&cursor=c2', '?phoneNumberId=1&limit=2&cursor=c3']);
  });

  it('refuses an answer that is not a page, and a cursor that repeats', async () => {
    const a = client([json(200, { items: [] })]);
    await expect(a.c.paginate('/v1/conversations').next()).rejects.toThrow('did not answer a page');
    const b = client([json(200, { data: [1], nextCursor: 'x' }), json(200, { data: [2], nextCursor: 'x' })]);
    const pages = b.c.pages('/v1/conversations');
    await pages.next();
    await expect(pages.next()).rejects.toThrow('cursor x twice');
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-06T10:00:00Z');
  it.each([
    ['3', 3000], ['0', 0], ['Sun, 06 Dec 2026 10:00:30 GMT', 30_000], ['Sun, 06 Dec 2026 09:00:00 GMT', 0],
    ['soon', undefined], ['-1', undefined], ['1.5', undefined], [null, undefined],
  ])('%j → %j', (value, ms) => expect(retryAfterMs(value, now)).toBe(ms));
});

// Compile-time checks (tsc of this package type-checks the specs): bodies and paths are typed.
export function typeChecks(c: WabridgeClient): void {
  // @ts-expect-error `type` must be one of the send types
  void c.sendMessage({ phoneNumberId: '1', to: '1', type: 'hologram' });
  // @ts-expect-error no such route
  void c.get('/v1/nothing');
  // @ts-expect-error GET /v1/conversations has no path parameters
  void c.get('/v1/conversations', { query: { phoneNumberId: 1 } });
}
