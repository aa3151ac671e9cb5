import { formatCapacity } from '../sim/cache.js';
import { summariseLatency, type LatencySummary } from '../sim/latency-summary.js';
import type { PolicyRun } from '../simulate.js';
import { predictionOverhead, type PredictionOverhead } from './prediction-overhead.js';
import { windowCounts, type WindowCounts } from './window-counts.js';

/**
 * Everything the evaluation reads from one run's per-request arrays: counts
 * per metrics window, the latency summary and the prediction cost. It
 * depends on that run alone. So the worker thread that replayed the run can
 * compute it while other runs still replay, and the main thread need not
 * pass over the run's requests (ten million in a long trace).
 */
export interface RunSummary {
  /** Window offsets the counts cover, from `metricsWindowBounds`. */
  bounds: Int32Array;
  counts: WindowCounts;
  /** Latency of the scored requests, or null when none was scored. */
  latency: LatencySummary | null;
  overhead: PredictionOverhead;
}

/**
 * Summarises one run over the metrics windows `bounds`.
 *
 * Time: O(scored requests), plus a selection over the non-zero waits.
 *
 * @example
 * // a run of 4 scored requests H M M D, two windows of two requests
 * summariseRun(run, Int32Array.of(0, 2, 4)).counts.misses; // => Float64Array [1, 1]
 */
export function summariseRun(run: PolicyRun, bounds: Int32Array): RunSummary {
  // A run that a worker summarised comes back without its outcomes.
  if (run.outcomes.length !== run.counters.requests) {
    throw new Error(
      `summariseRun: run ${run.label} at ${formatCapacity(run.capacity)} has ${run.outcomes.length} outcomes for ${run.counters.requests} scored requests; summarise it where it was replayed, over the same metrics windows`,
    );
  }
  return {
    bounds,
    counts: windowCounts(
      run.outcomes,
      run.counters.issuedPrefetches === 0 ? undefined : run.issuedPrefetchesPerRequest,
      bounds,
    ),
    latency: summariseLatency(run.waitLatencies, run.counters.requests) ?? null,
    overhead: predictionOverhead(run),
  };
}

/** True when two summaries' window offsets are the same. */
export function sameBounds(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((offset, w) => offset === b[w]);
}
