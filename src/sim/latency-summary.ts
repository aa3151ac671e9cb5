import { quantileSorted } from 'simple-statistics';

/** Mean and percentiles of the latency seen by every scored request. */
export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Summarises request latency when only the non-hit waits were recorded:
 * the `hits` other requests waited 0. Percentiles follow simple-statistics'
 * `quantileSorted` over the full list, hits included as zeros.
 */
export function summariseLatency(waits: Float64Array, hits: number): LatencySummary | undefined {
  const requests = waits.length + hits;
  if (requests === 0) return undefined;
  const sorted = new Float64Array(requests);
  sorted.set(waits, hits);
  sorted.subarray(hits).sort();
  const values = Array.from(sorted);
  const total = waits.reduce((sum, wait) => sum + wait, 0);
  return {
    mean: total / requests,
    p50: quantileSorted(values, 0.5),
    p95: quantileSorted(values, 0.95),
    p99: quantileSorted(values, 0.99),
  };
}
