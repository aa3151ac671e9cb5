import { mean } from 'simple-statistics';
import { formatCapacity } from '../sim/cache.js';
import { ratio } from '../sim/metrics.js';
import type { PolicyRun, SimulationResult } from '../simulate.js';

/** One row of the result table, with numbers not yet formatted. */
export interface ResultRow {
  label: string;
  capacity: string;
  hitRatio: number | undefined;
  missRatio: number | undefined;
  /** Hit ratio minus the baseline's at the same capacity, in points. */
  gainPoints: number | undefined;
  issuedPrefetches: number;
  /** Useful prefetches / issued prefetches. */
  prefetchAccuracy: number | undefined;
  wastedPrefetches: number;
  /** Predictions equal to the next request's key / predictions. */
  predictionAccuracy: number | undefined;
  /** Measured prediction cost per scored request, in microseconds. */
  predictionMicros: number | undefined;
  trainingMs: number | undefined;
}

export const BASELINE_POLICY = 'lru';

/** Builds the table rows; the gain is against `lru` at the same capacity. */
export function resultRows(result: SimulationResult): ResultRow[] {
  return result.runs.map((run) => {
    const { counters } = run;
    const hitRatio = ratio(counters.hits, counters.requests);
    const baseline = result.runs.find(
      (other) =>
        other.policyId === BASELINE_POLICY &&
        formatCapacity(other.capacity) === formatCapacity(run.capacity),
    );
    const baselineHitRatio =
      baseline && ratio(baseline.counters.hits, baseline.counters.requests);
    return {
      label: run.label,
      capacity: formatCapacity(run.capacity),
      hitRatio,
      missRatio: hitRatio === undefined ? undefined : 1 - hitRatio,
      gainPoints:
        hitRatio === undefined || baselineHitRatio === undefined
          ? undefined
          : (hitRatio - baselineHitRatio) * 100,
      issuedPrefetches: counters.issuedPrefetches,
      prefetchAccuracy: ratio(counters.usefulPrefetches, counters.issuedPrefetches),
      wastedPrefetches: counters.wastedPrefetches,
      predictionAccuracy: ratio(counters.correctPredictions, counters.predictions),
      predictionMicros: predictionMicros(run),
      trainingMs: run.policyReport.trainingMs,
    };
  });
}

/**
 * Prediction cost per scored request: the policy's own batched cost plus the
 * mean sampled time of its per-request hook.
 */
function predictionMicros(run: PolicyRun): number | undefined {
  if (run.onRequestMs.length === 0) return undefined;
  const hookMs = mean(Array.from(run.onRequestMs));
  const batchMs = run.policyReport.predictionMsPerRequest ?? 0;
  return (hookMs + batchMs) * 1000;
}
