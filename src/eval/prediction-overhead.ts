import { mean } from 'simple-statistics';
import type { PolicyRun } from '../simulate.js';
import {
  predictionPercentiles,
  type PredictionPercentiles,
} from './prediction-percentiles.js';

/** Measured cost of a policy's predictions, from wall-clock times. */
export interface PredictionOverhead {
  /**
   * Percentiles of one prediction's time. From the policy's own timed
   * single predictions where it reports them (a model that predicts in
   * batches during the replay), otherwise from the sampled time of its
   * per-request hook, which is where a heuristic predicts.
   */
  percentiles: PredictionPercentiles | null;
  /** Measurement the percentiles come from. */
  percentileSource: 'single predictions' | 'per-request hook';
  /** Mean policy time per scored request: batched share plus hook, in ms. */
  meanMsPerRequest: number | null;
  /**
   * Predictions per second: the policy's batched throughput where it
   * reports one, otherwise 1000 / mean hook time; null for a policy that
   * made no predictions.
   */
  predictionsPerSecond: number | null;
  trainingMs: number | null;
  replayMs: number;
  modelParameters: number | null;
  modelBytes: number | null;
  /** TensorFlow.js backend that ran the model; null without a model. */
  backend: string | null;
}

/**
 * Gathers the prediction cost of one replay from its timing samples and
 * the policy's own report.
 *
 * @example
 * // a run whose hook took 0.002 ms on every sampled request
 * predictionOverhead(run).percentiles?.p99Ms; // => 0.002
 */
export function predictionOverhead(run: PolicyRun): PredictionOverhead {
  const report = run.policyReport;
  const single = report.singlePredictionMs;
  const hasSingle = single !== undefined && single.length > 0;
  // One plain copy serves the mean and the percentiles: simple-statistics
  // takes arrays, and copying a million samples costs about 0.1 s.
  const hookSamples = Array.from(run.onRequestMs);
  const hookMs = hookSamples.length === 0 ? null : mean(hookSamples);
  const batchMs = report.predictionMsPerRequest ?? 0;
  const madePredictions = run.counters.predictions > 0;
  return {
    percentiles: predictionPercentiles(hasSingle ? single : hookSamples),
    percentileSource: hasSingle ? 'single predictions' : 'per-request hook',
    meanMsPerRequest: hookMs === null ? null : hookMs + batchMs,
    predictionsPerSecond: !madePredictions
      ? null
      : report.batchedPredictionsPerSecond ??
        (hookMs !== null && hookMs > 0 ? 1000 / hookMs : null),
    trainingMs: report.trainingMs ?? null,
    replayMs: run.replayMs,
    modelParameters: report.modelParameters ?? null,
    modelBytes: report.modelBytes ?? null,
    backend: report.backend ?? null,
  };
}
