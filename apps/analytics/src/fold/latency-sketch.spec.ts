import { LatencySketch } from './latency-sketch';

const within = (got: number | null, want: number) => expect(Math.abs((got ?? NaN) - want)).toBeLessThanOrEqual(want * 0.01);

describe('LatencySketch', () => {
  it('gives percentiles within 1 % of the recorded values', () => {
    const s = LatencySketch.empty();
    for (let v = 1; v <= 1000; v++) s.record(v * 10);
    const p = s.percentiles();
    within(p.p50, 5000);
    within(p.p95, 9500);
    within(p.p99, 9900);
    expect(p.samples).toBe(1000);
  });

  it('merges hours exactly: the merge of parts equals one sketch of everything, in any order, through serialization', () => {
    const values = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 60_000);
    const whole = LatencySketch.empty();
    for (const v of values) whole.record(v);
    const parts = [0, 1, 2].map((k) => {
      const s = LatencySketch.empty();
      values.filter((_, i) => i % 3 === k).forEach((v) => s.record(v));
      return s.encode();
    });
    const forward = LatencySketch.empty();
    for (const p of parts) forward.merge(LatencySketch.decode(p));
    const backward = LatencySketch.empty();
    for (const p of [...parts].reverse()) backward.merge(LatencySketch.decode(p));
    expect(forward.percentiles()).toEqual(whole.percentiles());
    expect(backward.percentiles()).toEqual(whole.percentiles());
  });

  it('has no percentiles when empty, and counts negative clock skew as 0', () => {
    expect(LatencySketch.empty().percentiles()).toEqual({ p50: null, p95: null, p99: null, samples: 0 });
    expect(LatencySketch.empty().record(-250).percentiles().p99).toBe(0);
  });
});
