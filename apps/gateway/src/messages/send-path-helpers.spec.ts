import { decodeTime, monotonicFactory } from 'ulid';
import { newMessageId, pooledRandom } from './message-id';
import { OUR_MESSAGE_ID } from './messages.controller';
import { ulidFloor } from './messages.repository';
import { SingleFlight } from './single-flight';
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

describe('SingleFlight', () => {
  const deferred = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };

  it('shares one run among concurrent calls with the same key, and starts a new one after it settled', async () => {
    const runs: ReturnType<typeof deferred<string>>[] = [];
    const flight = new SingleFlight<string>();
    const fn = () => { const d = deferred<string>(); runs.push(d); return d.promise; };
    const a = flight.run('k', fn);
    const b = flight.run('k', fn);
    const other = flight.run('other', fn);
    expect(runs).toHaveLength(2);
    runs[0]!.resolve('first');
    runs[1]!.resolve('other');
    await expect(Promise.all([a, b, other])).resolves.toEqual(['first', 'first', 'other']);
    const c = flight.run('k', fn);
    expect(runs).toHaveLength(3);
    runs[2]!.resolve('second');
    await expect(c).resolves.toBe('second');
    expect(flight.size).toBe(0);
  });

  it('gives every concurrent caller the run\'s error, and keeps nothing after it', async () => {
    const flight = new SingleFlight<string>();
    const d = deferred<string>();
    const a = flight.run('k', () => d.promise);
    const b = flight.run('k', () => Promise.resolve('never'));
    d.reject(new Error('template unknown'));
    await expect(a).rejects.toThrow('template unknown');
    await expect(b).rejects.toThrow('template unknown');
    await expect(flight.run('k', () => Promise.resolve('fresh'))).resolves.toBe('fresh');
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
