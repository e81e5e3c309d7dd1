/** Buckets grow by 0.5 %, so any percentile read back is within 0.5 % of the true value. */
const GROWTH = Math.log(1.005);
/** Enough buckets for 10 minutes expressed in microseconds. */
const BUCKETS = Math.ceil(Math.log1p(600e6) / GROWTH) + 1;

/** What crosses the IPC channel: plain data, mergeable by addition. */
export interface HistogramData {
  counts: Uint32Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * A fixed-size log-bucket histogram of milliseconds. One per process instead of one array per socket:
 * recording is an increment, so a client that sees a million entries a second spends its time on
 * receiving them, not on bookkeeping.
 */
export class Histogram {
  readonly data: HistogramData = { counts: new Uint32Array(BUCKETS), count: 0, sum: 0, min: Infinity, max: 0 };

  static from(parts: Iterable<HistogramData>): Histogram {
    const merged = new Histogram();
    for (const part of parts) merged.merge(part);
    return merged;
  }

  record(ms: number): void {
    // Writer and reader share one clock, but a stamp taken just before a context switch can still
    // read a hair later than the receive time; that is zero latency, not negative.
    const value = ms > 0 ? ms : 0;
    const d = this.data;
    d.counts[Math.min(BUCKETS - 1, Math.ceil(Math.log1p(value * 1000) / GROWTH))]! += 1;
    d.count++;
    d.sum += value;
    if (value < d.min) d.min = value;
    if (value > d.max) d.max = value;
  }

  merge(other: HistogramData): void {
    const d = this.data;
    for (let i = 0; i < BUCKETS; i++) d.counts[i]! += other.counts[i] ?? 0;
    d.count += other.count;
    d.sum += other.sum;
    d.min = Math.min(d.min, other.min);
    d.max = Math.max(d.max, other.max);
  }

  /** The upper bound of the bucket holding the p-th percentile, capped at the exact maximum. */
  percentile(p: number): number {
    const d = this.data;
    if (d.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * d.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += d.counts[i]!;
      if (seen >= rank) return Math.min(Math.expm1(i * GROWTH) / 1000, d.max);
    }
    return d.max;
  }

  summary(): Summary {
    const d = this.data;
    return {
      count: d.count,
      min: d.count ? d.min : NaN,
      mean: d.count ? d.sum / d.count : NaN,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: d.count ? d.max : NaN,
    };
  }
}
