import type { ReplayCounters } from '../sim/metrics.js';

/**
 * Ratios of one replay, over scored requests. Each is null where its
 * denominator is 0 (no prefetch issued, no baseline at this capacity).
 */
export interface RunMetrics {
  /** Hits / requests. */
  hitRatio: number | null;
  /** 1 − hit ratio: misses and delayed hits / requests. */
  missRatio: number | null;
  /** Bytes served by hits / bytes requested. */
  byteHitRatio: number | null;
  /** Useful prefetches / issued prefetches. */
  prefetchAccuracy: number | null;
  /**
   * (Baseline misses − misses) / baseline misses, for a policy that issued
   * prefetches; null for one that issued none, whose fewer misses (a
   * bound's eviction) are not prefetch coverage.
   */
  prefetchCoverage: number | null;
  /** Useful prefetches that arrived before their first request / useful. */
  timeliness: number | null;
  /** Prefetches evicted unused / issued prefetches. */
  wasteShare: number | null;
  /** Backend fetches / the baseline's backend fetches. */
  backendLoad: number | null;
  /** Predictions equal to the next request's key / predictions. */
  predictionAccuracy: number | null;
  /** Mean latency seen by a request, in trace time units. */
  meanLatency: number | null;
}

/**
 * Computes the ratios of one replay; the coverage and backend load need the
 * baseline's counters at the same capacity.
 *
 * @example
 * // 10 requests, 6 hits, 4 misses, 2 prefetches of which 1 was used
 * runMetrics({ ...emptyCounters(), requests: 10, hits: 6, misses: 4,
 *   fetches: 6, issuedPrefetches: 2, usefulPrefetches: 1 }).prefetchAccuracy; // => 0.5
 */
export function runMetrics(
  counters: ReplayCounters,
  baseline?: ReplayCounters,
): RunMetrics {
  const hitRatio = ratio(counters.hits, counters.requests);
  const useful = counters.usefulPrefetches;
  return {
    hitRatio,
    missRatio: hitRatio === null ? null : 1 - hitRatio,
    byteHitRatio: ratio(counters.hitBytes, counters.requestedBytes),
    prefetchAccuracy: ratio(useful, counters.issuedPrefetches),
    prefetchCoverage:
      baseline === undefined || counters.issuedPrefetches === 0
        ? null
        : ratio(baseline.misses - counters.misses, baseline.misses),
    timeliness: ratio(useful - counters.latePrefetches, useful),
    wasteShare: ratio(counters.wastedPrefetches, counters.issuedPrefetches),
    backendLoad:
      baseline === undefined ? null : ratio(counters.fetches, baseline.fetches),
    predictionAccuracy: ratio(counters.correctPredictions, counters.predictions),
    meanLatency: ratio(counters.totalLatency, counters.requests),
  };
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
