import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, Histogram } from 'hdr-histogram-js';

/** The three latencies of a message's life we keep as sketches (ADR 0121). */
export const LATENCY_PAIRS = ['acceptedToSent', 'sentToDelivered', 'deliveredToRead'] as const;
export type LatencyPair = (typeof LATENCY_PAIRS)[number];

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  samples: number;
}

/** Milliseconds; 2 significant digits = values within 1 % of the truth; 64-bit counts. */
const BUILD = { bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 2 ** 36, numberOfSignificantValueDigits: 2, autoResize: true } as const;

/**
 * An HDR histogram of latencies in ms. Merging is adding bucket counts, so it is exact and does
 * not depend on order: a rebuild gives the same percentiles however the events interleave.
 */
export class LatencySketch {
  private constructor(private readonly h: Histogram) {}

  static empty(): LatencySketch {
    return new LatencySketch(build(BUILD));
  }

  static decode(encoded: string): LatencySketch {
    const sketch = LatencySketch.empty();
    sketch.h.add(decodeFromCompressedBase64(encoded, 64));
    return sketch;
  }

  /** Negative values (clocks of two systems) count as 0. */
  record(ms: number): this {
    this.h.recordValue(Math.max(0, Math.round(ms)));
    return this;
  }

  merge(other: LatencySketch): this {
    this.h.add(other.h);
    return this;
  }

  get samples(): number {
    return this.h.totalCount;
  }

  encode(): string {
    return encodeIntoCompressedBase64(this.h);
  }

  percentiles(): Percentiles {
    if (this.h.totalCount === 0) return { p50: null, p95: null, p99: null, samples: 0 };
    return { p50: this.h.getValueAtPercentile(50), p95: this.h.getValueAtPercentile(95), p99: this.h.getValueAtPercentile(99), samples: this.h.totalCount };
  }
}
