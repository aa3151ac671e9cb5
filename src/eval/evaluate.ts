import { BadOptionError } from '../errors.js';
import { formatCapacity, type Capacity } from '../sim/cache.js';
import type { PolicyRun, SimulationResult } from '../simulate.js';
import { backendLoad } from './backend-load.js';
import { defaultBlockLength } from './block-bootstrap.js';
import {
  checkAtLeast,
  checkAtMost,
  DEFAULT_GUARDRAILS,
  type GuardrailCheck,
  type GuardrailLimits,
} from './guardrails.js';
import { hitRatioGain } from './hit-ratio-gain.js';
import { pairedInterval, type IntervalEstimate } from './paired-interval.js';
import type { PredictionOverhead } from './prediction-overhead.js';
import { runMetrics, type RunMetrics } from './run-metrics.js';
import type { LatencySummary } from '../sim/latency-summary.js';
import { sameBounds, summariseRun, type RunSummary } from './run-summary.js';
import { missRatioSweep, type Sweep } from './sweep.js';
import { decide, type Verdict } from './verdict.js';
import { metricsWindowBounds } from './window-bounds.js';
import type { WindowCounts } from './window-counts.js';


/** How to compare the policies of one simulation. */
export interface EvaluationOptions {
  /** Policy id every other policy is compared with, e.g. `lru`. */
  baseline: string;
  /** Number of metrics windows the scored requests are cut into. */
  windows: number;
  /** Bootstrap resamples per interval. */
  bootstrapReplicates: number;
  /** Windows per bootstrap block; default `defaultBlockLength(windows)`. */
  blockLength?: number;
  /** Seed of the bootstrap. */
  seed: number;
  /** Confidence level of the intervals; default 0.95. */
  confidenceLevel?: number;
  /** Guardrail limits; a limit left out takes its default. */
  guardrails?: Partial<GuardrailLimits>;
}

/** The settings an evaluation ran with, defaults filled in. */
export interface EvaluationSettings {
  baseline: string;
  windows: number;
  /** End offset of each window in the scored requests (exclusive). */
  windowEnds: number[];
  blockLength: number;
  bootstrapReplicates: number;
  bootstrapSeed: number;
  confidenceLevel: number;
  guardrails: GuardrailLimits;
  /** Guardrails whose limit is the default rather than a flag's. */
  defaultGuardrails: (keyof GuardrailLimits)[];
}

/** A capacity as reports show it. */
export interface CapacityInfo {
  unit: 'objects' | 'bytes';
  amount: number;
  /** `1000 objects`, `65536 bytes`. */
  label: string;
}

/** Everything measured about one replay, ready for a report. */
export interface RunEvaluation {
  policyId: string;
  label: string;
  capacity: CapacityInfo;
  isBaseline: boolean;
  isBound: boolean;
  counters: Record<string, number>;
  metrics: RunMetrics;
  /**
   * Latency seen by scored requests, in trace time units: 0 for a hit;
   * null when nothing was scored.
   */
  latency: LatencySummary | null;
  /** Hit ratio in each metrics window; null for an empty window. */
  windowHitRatios: (number | null)[];
  overhead: PredictionOverhead;
  notes: Record<string, string | number>;
}

/** A candidate compared with the baseline at one capacity. */
export interface Comparison {
  candidate: string;
  candidatePolicyId: string;
  baseline: string;
  capacity: CapacityInfo;
  /** Hit-ratio gain over the baseline, in percentage points. */
  hitRatioGainPoints: IntervalEstimate;
  /** Backend fetches relative to the baseline's. */
  backendLoad: IntervalEstimate;
  guardrails: GuardrailCheck[];
  verdict: Verdict;
}

/** The outcome of an A/B evaluation of one simulation. */
export interface Evaluation {
  settings: EvaluationSettings;
  runs: RunEvaluation[];
  comparisons: Comparison[];
  sweep: Sweep;
}

const DEFAULT_CONFIDENCE_LEVEL = 0.95;

/**
 * Compares every candidate with the baseline at each capacity, window by
 * window, with bootstrap intervals, guardrails and a verdict. Adds the
 * miss-ratio curves of a capacity sweep.
 * With fewer scored requests than `options.windows`, each request is its
 * own window.
 *
 * @param summaries summaries already computed by the worker that replayed
 * each run, by run index. A run without one, or with one over other
 * windows, is summarised here, with the same result.
 */
export function evaluate(
  result: SimulationResult,
  options: EvaluationOptions,
  summaries: readonly (RunSummary | undefined)[] = [],
): Evaluation {
  const settings = evaluationSettings(result, options);
  const bounds = Int32Array.from([0, ...settings.windowEnds]);
  const summaryOf = result.runs.map((run, i) => {
    const given = summaries[i];
    return given !== undefined && sameBounds(given.bounds, bounds)
      ? given
      : summariseRun(run, bounds);
  });
  const counts = summaryOf.map((summary) => summary.counts);
  const baselineOf = (run: PolicyRun) =>
    result.runs.findIndex(
      (other) =>
        other.policyId === settings.baseline &&
        sameCapacity(other.capacity, run.capacity),
    );
  const runs = result.runs.map((run, i) => {
    const baseline = result.runs[baselineOf(run)];
    return evaluateRun(run, summaryOf[i], baseline, settings.baseline);
  });
  const comparisons: Comparison[] = [];
  result.runs.forEach((run, i) => {
    const b = baselineOf(run);
    if (b === -1 || runs[i].isBaseline || runs[i].isBound) return;
    comparisons.push(
      compare(runs[i], counts[i], runs[b], counts[b], settings),
    );
  });
  return {
    settings,
    runs,
    comparisons,
    sweep: missRatioSweep(runs, settings.baseline),
  };
}

function evaluationSettings(
  result: SimulationResult,
  options: EvaluationOptions,
): EvaluationSettings {
  const bounds = metricsWindowBounds(result.trace.scoredRequests, options.windows);
  const windows = bounds.length - 1;
  const guardrails = { ...DEFAULT_GUARDRAILS, ...options.guardrails };
  const defaultGuardrails = (
    Object.keys(DEFAULT_GUARDRAILS) as (keyof GuardrailLimits)[]
  ).filter((name) => options.guardrails?.[name] === undefined);
  return {
    baseline: options.baseline,
    windows,
    windowEnds: Array.from(bounds.subarray(1)),
    blockLength: Math.min(windows, options.blockLength ?? defaultBlockLength(windows)),
    bootstrapReplicates: options.bootstrapReplicates,
    bootstrapSeed: options.seed,
    confidenceLevel: options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL,
    guardrails,
    defaultGuardrails,
  };
}

function evaluateRun(
  run: PolicyRun,
  summary: RunSummary,
  baseline: PolicyRun | undefined,
  baselineId: string,
): RunEvaluation {
  const { counts } = summary;
  return {
    policyId: run.policyId,
    label: run.label,
    capacity: capacityInfo(run.capacity),
    isBaseline: run.policyId === baselineId,
    isBound: run.isBound,
    counters: { ...run.counters },
    metrics: runMetrics(run.counters, baseline?.counters),
    latency: summary.latency,
    windowHitRatios: Array.from(counts.hits, (hits, w) =>
      counts.requests[w] === 0 ? null : hits / counts.requests[w],
    ),
    overhead: summary.overhead,
    notes: { ...(run.policyReport.notes ?? {}) },
  };
}

function compare(
  candidate: RunEvaluation,
  candidateCounts: WindowCounts,
  baseline: RunEvaluation,
  baselineCounts: WindowCounts,
  settings: EvaluationSettings,
): Comparison {
  const intervalOptions = {
    replicates: settings.bootstrapReplicates,
    blockLength: settings.blockLength,
    seed: settings.bootstrapSeed,
    level: settings.confidenceLevel,
  };
  const gain = pairedInterval(
    settings.windows,
    (windows) => hitRatioGain(candidateCounts, baselineCounts, windows),
    intervalOptions,
  );
  const load = pairedInterval(
    settings.windows,
    (windows) => backendLoad(candidateCounts, baselineCounts, windows),
    intervalOptions,
  );
  const guardrails = guardrailChecks(candidate, gain, load, settings);
  return {
    candidate: candidate.label,
    candidatePolicyId: candidate.policyId,
    baseline: baseline.label,
    capacity: candidate.capacity,
    hitRatioGainPoints: gain,
    backendLoad: load,
    guardrails,
    verdict: decide(guardrails),
  };
}

function guardrailChecks(
  candidate: RunEvaluation,
  gain: IntervalEstimate,
  load: IntervalEstimate,
  settings: EvaluationSettings,
): GuardrailCheck[] {
  const limits = settings.guardrails;
  const isDefault = (name: keyof GuardrailLimits) =>
    settings.defaultGuardrails.includes(name);
  // TODO: prediction p99 and waste are checked on their measured values
  // without an interval, because the engine records neither per metrics
  // window. A value close to its limit can flip the verdict between runs.
  const pointValue = (estimate: number | null) => ({
    estimate,
    lower: null,
    upper: null,
  });
  return [
    checkAtLeast('min-gain', limits.minGainPoints, isDefault('minGainPoints'), gain),
    checkAtMost('max-backend-load', limits.maxBackendLoad, isDefault('maxBackendLoad'), load),
    checkAtMost(
      'max-prediction-p99',
      limits.maxPredictionP99Ms,
      isDefault('maxPredictionP99Ms'),
      pointValue(candidate.overhead.percentiles?.p99Ms ?? null),
    ),
    checkAtMost(
      'max-waste',
      limits.maxWaste,
      isDefault('maxWaste'),
      pointValue(candidate.metrics.wasteShare),
    ),
  ];
}

function capacityInfo(capacity: Capacity): CapacityInfo {
  return {
    unit: capacity.unit,
    amount: capacity.unit === 'objects' ? capacity.objects : capacity.bytes,
    label: formatCapacity(capacity),
  };
}

function sameCapacity(a: Capacity, b: Capacity): boolean {
  return formatCapacity(a) === formatCapacity(b);
}
