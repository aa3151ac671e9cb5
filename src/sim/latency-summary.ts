import { quantileSorted } from 'simple-statistics';

/** Mean and percentiles of the latency seen by every scored request. */
export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Summarises the latency of `requests` requests of which only the non-zero
 * waits may have been recorded: the requests without a record waited 0.
 * Percentiles follow simple-statistics' `quantileSorted` over the full list.
 */
export function summariseLatency(waits: Float64Array, requests: number): LatencySummary | undefined {
  if (requests === 0) return undefined;
  const zeros = requests - waits.length;
  const sorted = new Float64Array(requests);
  sorted.set(waits, zeros);
  sorted.subarray(zeros).sort();
  const values = Array.from(sorted);
  const total = waits.reduce((sum, wait) => sum + wait, 0);
  return {
    mean: total / requests,
    p50: quantileSorted(values, 0.5),
    p95: quantileSorted(values, 0.95),
    p99: quantileSorted(values, 0.99),
  };
}
