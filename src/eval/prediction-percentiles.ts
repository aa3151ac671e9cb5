import { quantileSorted } from 'simple-statistics';

/** Percentiles of measured prediction times, in milliseconds. */
export interface PredictionPercentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Number of timed predictions behind the percentiles. */
  samples: number;
}

/**
 * Median, 95th and 99th percentile of measured prediction times, with the
 * linear interpolation of numpy's default and R's type 7
 * (simple-statistics' `quantileSorted`).
 *
 * Time: O(n log n) for the sort.
 *
 * @param samplesMs measured times in milliseconds
 * @returns the percentiles, or null when nothing was measured
 * @example
 * predictionPercentiles(Float64Array.of(1, 2, 3, 4, 5)).p95Ms; // => 4.8
 */
export function predictionPercentiles(
  samplesMs: Float64Array,
): PredictionPercentiles | null {
  if (samplesMs.length === 0) return null;
  const sorted = Array.from(samplesMs).sort((a, b) => a - b);
  return {
    p50Ms: quantileSorted(sorted, 0.5),
    p95Ms: quantileSorted(sorted, 0.95),
    p99Ms: quantileSorted(sorted, 0.99),
    samples: sorted.length,
  };
}
