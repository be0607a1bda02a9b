import { classifyDownloadAnswer, classifyRetrieveAnswer, classifyThrown, MediaFetchError, normalizeSha256, roundBackoffMs } from './fetch-failure';

const graphError = (code: number) => ({ error: { message: 'x', type: 'OAuthException', code, fbtrace_id: 'A' } });

describe('classifyRetrieveAnswer (GET /{media-id})', () => {
  it.each([
    [400, graphError(100), 'permanent', 'media_unknown'],
    [404, 'not found', 'permanent', 'media_unknown'],
    [401, graphError(190), 'permanent', 'auth_refused'],
    [400, graphError(190), 'permanent', 'auth_refused'],
    [403, graphError(200), 'permanent', 'auth_refused'],
    [429, graphError(80007), 'transient', undefined],
    [400, graphError(4), 'transient', undefined],
    [500, graphError(1), 'transient', undefined],
    [503, '<html>', 'transient', undefined],
    [400, graphError(131009), 'permanent', 'graph_refused'],
  ])('%i %j → %s %s', (status, body, kind, reason) => {
    const f = classifyRetrieveAnswer(status, body);
    expect([f.kind, f.reason]).toEqual([kind, reason]);
  });
});

describe('classifyDownloadAnswer (the download URL)', () => {
  it.each([
    [404, 'url_expired'], [410, 'url_expired'], [403, 'url_expired'], [401, 'permanent'], [429, 'transient'], [502, 'transient'], [408, 'transient'], [400, 'permanent'],
  ])('%i → %s', (status, kind) => {
    expect(classifyDownloadAnswer(status, '').kind).toBe(kind);
  });
});

describe('classifyThrown', () => {
  it('keeps our classified errors and calls network errors, aborts and timeouts transient', () => {
    const ours = MediaFetchError.permanent('too_large', 'big');
    expect(classifyThrown(ours)).toBe(ours);
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(classifyThrown(refused)).toMatchObject({ kind: 'transient', message: expect.stringContaining('ECONNREFUSED') });
    expect(classifyThrown(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toMatchObject({ kind: 'transient', message: 'timed out' });
  });
});

describe('roundBackoffMs', () => {
  it('doubles from the base, caps, and jitters down by at most 20 %', () => {
    expect([1, 2, 3, 10].map((r) => roundBackoffMs(r, 1000, 5000, () => 0))).toEqual([1000, 2000, 4000, 5000]);
    expect(roundBackoffMs(2, 1000, 5000, () => 0.999)).toBeGreaterThanOrEqual(1600);
    expect(roundBackoffMs(2, 1000, 5000, () => 0.999)).toBeLessThan(2000);
  });
});

describe('normalizeSha256', () => {
  const hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  it('accepts hex (any case) and base64 of the same 32 bytes, and nothing else', () => {
    expect(normalizeSha256(hex.toUpperCase())).toBe(hex);
    expect(normalizeSha256(Buffer.from(hex, 'hex').toString('base64'))).toBe(hex);
    expect(normalizeSha256(Buffer.from(hex, 'hex').toString('base64url'))).toBe(hex);
    expect(normalizeSha256('abc')).toBeUndefined();
    expect(normalizeSha256(42)).toBeUndefined();
  });
});
