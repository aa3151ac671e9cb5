import { BadOptionError } from './errors.js';
import { groupParams, policyLabel, resolveParams } from './policies/params.js';
import type { Policy, PolicyReport } from './policies/policy.js';
import { trainingView } from './policies/policy.js';
import { findPolicy } from './policies/registry.js';
import type { PolicyEntry, RunSettings } from './policies/registry-types.js';
import { precomputePredictions } from './sim/batch.js';
import type { Capacity } from './sim/cache.js';
import { ReplayEngine } from './sim/engine.js';
import type { ReplayCounters } from './sim/metrics.js';
import type { Trace } from './trace/trace.js';

/** Inputs of one simulation: one trace, several policies and capacities. */
export interface SimulateOptions {
  trace: Trace;
  /** Policy ids, replayed in this order. */
  policies: readonly string[];
  /** `policy.key=value` parameter overrides. */
  params?: readonly string[];
  capacities: readonly Capacity[];
  /** Share of the trace, from its start, used for training and warm-up. */
  trainFraction: number;
  /** Fetch latency in trace time units. Default 0. */
  fetchLatency?: number;
  /** Delay before a prefetch starts, in trace time units. Default 0. */
  predictionLatency?: number;
  settings?: Partial<RunSettings>;
  /** Status lines (training progress, phases); quiet by default. */
  log?: (message: string) => void;
}

/** Measurements of one policy at one capacity. */
export interface PolicyRun {
  policyId: string;
  label: string;
  capacity: Capacity;
  counters: ReplayCounters;
  /** Outcome code of each scored request (see `Outcome`). */
  outcomes: Uint8Array;
  /** Prefetches issued after each scored request. */
  issuedPrefetchesPerRequest: Uint32Array;
  /** Sampled wall time of the policy's per-request hook, in ms. */
  onRequestMs: Float64Array;
  /** Costs the policy measured itself (training, batched prediction). */
  policyReport: PolicyReport;
  replayMs: number;
}

/** Facts about the trace and the train/score split. */
export interface TraceSummary {
  source: string;
  requests: number;
  distinctKeys: number;
  /** Requests [0, trainEnd) train and warm up; the rest are scored. */
  trainEnd: number;
  scoredRequests: number;
  timeUnit: string;
  backwardTimestamps: number;
  skippedBlankLines: number;
  skippedInvalidRows: number;
}

export interface SimulationResult {
  trace: TraceSummary;
  runs: PolicyRun[];
  fetchLatency: number;
  predictionLatency: number;
  seed: number;
}

const DEFAULT_SEED = 42;

/**
 * Replays one trace through every requested policy at every capacity. All
 * policies share the same split: requests before `trainEnd` train the
 * predictors and warm the cache, and only the rest are scored.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const { trace } = options;
  const trainEnd = trainEndOf(trace.length, options.trainFraction);
  const settings: RunSettings = { seed: DEFAULT_SEED, ...options.settings };
  const log = options.log ?? (() => {});
  const paramsByPolicy = groupParams(options.params ?? []);
  const entries = options.policies.map(findPolicy);
  checkParamsHaveOwner(paramsByPolicy, entries);
  const runs: PolicyRun[] = [];
  for (const entry of entries) {
    const params = resolveParams(entry.id, entry.params, paramsByPolicy.get(entry.id));
    const label = policyLabel(entry.id, entry.params, params);
    for (const capacity of options.capacities) {
      const policy = entry.create({ params, label, settings });
      try {
        log(`${label}: preparing`);
        await policy.prepare?.({
          training: trainingView(trace, trainEnd),
          seed: settings.seed,
          log,
        });
        if (policy.batch !== undefined) {
          log(`${label}: predicting ${trace.length - trainEnd} requests in batches`);
          await precomputePredictions(trace, policy.batch, trainEnd);
        }
        log(`${label}: replaying`);
        runs.push(replay(trace, policy, entry.id, capacity, trainEnd, options));
      } finally {
        policy.dispose?.();
      }
    }
  }
  return {
    trace: summarise(trace, trainEnd),
    runs,
    fetchLatency: options.fetchLatency ?? 0,
    predictionLatency: options.predictionLatency ?? 0,
    seed: settings.seed,
  };
}

function replay(
  trace: Trace,
  policy: Policy,
  policyId: string,
  capacity: Capacity,
  trainEnd: number,
  options: SimulateOptions,
): PolicyRun {
  const engine = new ReplayEngine(trace, policy, {
    capacity,
    scoredStart: trainEnd,
    fetchLatency: options.fetchLatency ?? 0,
    predictionLatency: options.predictionLatency ?? 0,
  });
  const result = engine.run();
  return {
    policyId,
    label: policy.label,
    capacity,
    counters: result.counters,
    outcomes: result.outcomes,
    issuedPrefetchesPerRequest: result.issuedPrefetchesPerRequest,
    onRequestMs: result.onRequestMs,
    policyReport: policy.report?.() ?? {},
    replayMs: result.replayMs,
  };
}

/** Index of the first scored request for a training share in [0, 1). */
export function trainEndOf(length: number, trainFraction: number): number {
  if (!(trainFraction >= 0 && trainFraction < 1)) {
    throw new BadOptionError(
      `--train-fraction: ${trainFraction} is outside [0, 1); give the share of the trace used for training, e.g. 0.2`,
    );
  }
  return Math.floor(length * trainFraction);
}

function checkParamsHaveOwner(
  paramsByPolicy: Map<string, Map<string, string>>,
  entries: readonly PolicyEntry[],
): void {
  for (const policyId of paramsByPolicy.keys()) {
    if (!entries.some((entry) => entry.id === policyId)) {
      throw new BadOptionError(
        `--param: policy "${policyId}" is not among --policy ${entries.map((e) => e.id).join(',')}; add it to --policy or drop the parameter`,
      );
    }
  }
}

function summarise(trace: Trace, trainEnd: number): TraceSummary {
  return {
    source: trace.source,
    requests: trace.length,
    distinctKeys: trace.keys.length,
    trainEnd,
    scoredRequests: trace.length - trainEnd,
    timeUnit: trace.timeUnit,
    backwardTimestamps: trace.stats.backwardTimestamps,
    skippedBlankLines: trace.stats.skippedBlankLines,
    skippedInvalidRows: trace.stats.skippedInvalidRows,
  };
}
