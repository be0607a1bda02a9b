import { decodeTime, monotonicFactory } from 'ulid';
import { newMessageId, pooledRandom } from './message-id';
import { OUR_MESSAGE_ID } from './messages.controller';
import { ulidFloor } from './messages.repository';
import { requestHash } from './send.service';

describe('newMessageId', () => {
  it('is a ULID of the given millisecond that sorts after that millisecond\'s floor and before the next one\'s', () => {
    const at = Date.parse('2026-12-06T07:43:30.773Z');
    const id = newMessageId(at);
    expect(id).toMatch(OUR_MESSAGE_ID);
    expect(decodeTime(id)).toBe(at);
    expect(id >= ulidFloor(at)).toBe(true);
    expect(id < ulidFloor(at + 1)).toBe(true);
  });

  it('does not repeat across many ids of one millisecond (the random pool is refilled, not reused)', () => {
    const ids = new Set(Array.from({ length: 20000 }, () => newMessageId(1)));
    expect(ids.size).toBe(20000);
  });
});

describe('pooledRandom (the request log\'s ULID source)', () => {
  it('gives byte fractions in [0, 1), every one of the 32 ULID characters, and ids that stay monotonic', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const r = pooledRandom();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
      expect(Number.isInteger(r * 256)).toBe(true);
      seen.add(Math.floor(r * 32));
    }
    expect(seen.size).toBe(32);
    const next = monotonicFactory(pooledRandom);
    const sameMs = Array.from({ length: 1000 }, () => next(1_700_000_000_000));
    expect([...sameMs].sort()).toEqual(sameMs);
    expect(new Set(sameMs).size).toBe(1000);
    const later = next(1_700_000_000_001);
    expect(decodeTime(later)).toBe(1_700_000_000_001);
    expect(later > sameMs[999]!).toBe(true);
    const distinct = new Set(Array.from({ length: 5000 }, (_, i) => next(1_800_000_000_000 + i).slice(10)));
    expect(distinct.size).toBe(5000);
  });
});

describe('requestHash', () => {
  it('is the hash stored rows were written with (a retry after an upgrade must still match its row)', () => {
    // value computed with the former createHash + map/filter/join canonical JSON
    expect(requestHash({
      phoneNumberId: '123', to: '14155550123', type: 'text', source: 'api', sendAt: undefined,
      message: { type: 'text', text: { body: 'Grüße "x"', preview_url: false } }, metadata: { b: '2', a: '1' },
    })).toBe('6a3993677f2b3dd2e7722c290fd5f6d0302dd114cc918066d3fa472fc89d2f41');
  });
});
