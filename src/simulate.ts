import { BadOptionError, RunFailedError, SimulatorError } from './errors.js';
import { groupParams, policyLabel, resolveParams, type ParamValues } from './policies/params.js';
import { IsolatedPolicy } from './policies/isolate.js';
import { resolvePolicies } from './policies/loader.js';
import type { Policy, PolicyReport } from './policies/policy.js';
import type { PolicyEntry, RunSettings } from './policies/registry-types.js';
import { precomputePredictions } from './sim/batch.js';
import { formatCapacity, type Capacity } from './sim/cache.js';
import {
  AHEAD_REQUESTS,
  callsPolicyAhead,
  ReplayEngine,
  timingSampleCount,
  timingSampleEvery,
  type LruStoreKind,
  type ReplayOptions,
  type ReplayResult,
} from './sim/engine.js';
import { PolicyThread, type PolicySetup } from './parallel/policy-thread.js';
import { millisecondsToTraceUnit, type LatencySpec } from './sim/latency.js';
import type { ReplayCounters } from './sim/metrics.js';
import { readTrace, type ReadTraceOptions } from './trace/read.js';
import { distinctKeys, type Trace } from './trace/trace.js';

/** Inputs of one simulation: one trace, several policies and capacities. */
export interface SimulateOptions {
  /** The trace, or the path of a trace file to read with `traceOptions`. */
  trace: Trace | string;
  traceOptions?: ReadTraceOptions;
  /**
   * Policies, replayed in this order: registry ids, paths of policy modules
   * (`./my-policy.ts`), or entry objects.
   */
  policies: readonly (string | PolicyEntry)[];
  /** `policy.key=value` parameter overrides. */
  params?: readonly string[];
  capacities: readonly Capacity[];
  /** Share of the trace, from its start, used for training and warm-up. */
  trainFraction: number;
  /** Fetch latency model in trace time units. Default: fixed 0. */
  fetchLatency?: LatencySpec;
  /**
   * Delay before a prefetch starts, in trace time units, or `measured` for
   * each policy's measured wall time per prediction. Default 0.
   */
  predictionLatency?: number | 'measured';
  /** Most backend fetches in flight at once. Default unbounded. */
  backendConcurrency?: number;
  /**
   * LRU implementation: `dense` (typed arrays, the fast path) or
   * `lru-cache` (the reference). Both give the same results. Default `dense`.
   */
  lruStore?: LruStoreKind;
  settings?: Partial<RunSettings>;
  /**
   * Calls a policy that ignores outcomes on a second thread, beside the
   * replay, where the replay can take its pushes (see `PolicyThread`).
   * Only for policies given by id or module path. Default false.
   */
  policyThread?: boolean;
  /** Status lines (training progress, phases); quiet by default. */
  log?: (message: string) => void;
}

/** Measurements of one policy at one capacity. */
export interface PolicyRun {
  policyId: string;
  label: string;
  /** True for bounds (oracle, belady), which may see the future. */
  isBound: boolean;
  capacity: Capacity;
  counters: ReplayCounters;
  /** Outcome code of each scored request (see `Outcome`). */
  outcomes: Uint8Array;
  /** Prefetches issued after each scored request. */
  issuedPrefetchesPerRequest: Uint32Array;
  /** Wait of each scored request that was not a hit, in trace units. */
  waitLatencies: Float64Array;
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
  fetchLatency: LatencySpec;
  predictionLatency: number | 'measured';
  backendConcurrency: number | undefined;
  seed: number;
}

const DEFAULT_SEED = 42;
const NO_LATENCY: LatencySpec = { kind: 'fixed', value: 0 };

/**
 * Replays one trace through every requested policy at every capacity. All
 * policies share the same split: requests before `trainEnd` train the
 * predictors and warm the cache, and only the rest are scored.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const trace =
    typeof options.trace === 'string'
      ? await readTrace(options.trace, options.traceOptions)
      : options.trace;
  const trainEnd = trainEndOf(trace.length, options.trainFraction);
  const settings: RunSettings = { seed: DEFAULT_SEED, ...options.settings };
  const log = options.log ?? (() => {});
  if (options.predictionLatency === 'measured' && millisecondsToTraceUnit(1, trace.timeUnit) === undefined) {
    throw new BadOptionError(
      `--prediction-latency: "measured" needs a trace clock with a real unit, but this trace's clock is "${trace.timeUnit}"; give a time in trace units instead`,
    );
  }
  const paramsByPolicy = groupParams(options.params ?? []);
  const entries = await resolvePolicies(options.policies);
  checkParamsHaveOwner(paramsByPolicy, entries);
  const runs: PolicyRun[] = [];
  for (const [index, entry] of entries.entries()) {
    const params = resolveParams(entry.id, entry.params, paramsByPolicy.get(entry.id));
    const label = policyLabel(entry.id, entry.params, params);
    const spec = options.policies[index];
    // A policy that can fork is prepared once and forked per capacity.
    let prepared: IsolatedPolicy | undefined;
    for (const capacity of options.capacities) {
      const boundTrace = entry.isBound ? trace : undefined;
      let policy: IsolatedPolicy;
      try {
        policy = prepared?.fork() ?? new IsolatedPolicy(
          entry.create({ params, label, settings, boundTrace }),
          trace,
          trainEnd,
          entry.isBound === true,
        );
      } catch (error) {
        prepared?.dispose();
        throw runFailure(error, label, capacity);
      }
      const replayOptions = replayOptionsOf(trace, entry, capacity, trainEnd, options);
      const isThreaded =
        options.policyThread === true &&
        typeof spec === 'string' &&
        entry.isBound !== true &&
        policy.batch === undefined &&
        callsPolicyAhead(policy, replayOptions);
      try {
        if (isThreaded) {
          log(`${label}: replaying, the policy on a second thread`);
          const thread = { policy: spec, params, label, settings };
          const { result, report } = await replayWithPolicyThread(trace, trainEnd, policy, replayOptions, thread);
          runs.push(runOf(policy, entry, capacity, result, report));
          continue;
        }
        if (prepared === undefined) {
          log(`${label}: preparing`);
          await policy.runPrepare({ seed: settings.seed, log });
          if (policy.canFork) prepared = policy.fork();
        }
        if (policy.batch !== undefined) {
          log(`${label}: predicting ${trace.length - trainEnd} requests in batches`);
          await precomputePredictions(trace, policy.batch, trainEnd);
        }
        log(`${label}: replaying`);
        const result = new ReplayEngine(trace, policy, replayOptions).run();
        runs.push(runOf(policy, entry, capacity, result, policy.report?.() ?? {}));
      } catch (error) {
        prepared?.dispose();
        throw runFailure(error, label, capacity);
      } finally {
        policy.dispose?.();
      }
    }
    prepared?.dispose();
  }
  return {
    trace: summarise(trace, trainEnd),
    runs,
    fetchLatency: options.fetchLatency ?? NO_LATENCY,
    predictionLatency: options.predictionLatency ?? 0,
    backendConcurrency: options.backendConcurrency,
    seed: settings.seed,
  };
}

/** Returns a run's error as the CLI reports it: its own when it is a `SimulatorError`, else one that names the run. */
function runFailure(error: unknown, label: string, capacity: Capacity): SimulatorError {
  return error instanceof SimulatorError ? error : new RunFailedError(`${label} at ${formatCapacity(capacity)}`, error);
}

/**
 * Replays with the policy's calls made on a `PolicyThread`, which builds
 * its own instance from `thread`; `policy` only names the policy here.
 */
async function replayWithPolicyThread(
  trace: Trace,
  trainEnd: number,
  policy: Policy,
  replayOptions: ReplayOptions,
  thread: { policy: string; params: ParamValues; label: string; settings: RunSettings },
): Promise<{ result: ReplayResult; report: PolicyReport }> {
  const scored = trace.length - trainEnd;
  const policyThread = PolicyThread.start({
    ...thread,
    trace,
    trainEnd,
    sampleEvery: timingSampleEvery(scored, replayOptions),
    maxSamples: timingSampleCount(scored, replayOptions),
    runLength: AHEAD_REQUESTS,
    draws: threadDraws(replayOptions),
  });
  try {
    await policyThread.ready();
    const result = new ReplayEngine(trace, policy, { ...replayOptions, aheadPushes: policyThread }).run();
    return { result, report: await policyThread.report() };
  } finally {
    await policyThread.terminate();
  }
}

/**
 * Returns the log-normal model for the policy thread to draw from, or
 * undefined for the other models, whose latencies cost the replay little.
 */
function threadDraws({ fetchLatency, latencySeed }: ReplayOptions): PolicySetup['draws'] {
  if (fetchLatency?.kind !== 'lognormal') return undefined;
  return { median: fetchLatency.median, p99: fetchLatency.p99, seed: latencySeed ?? 1 };
}

function replayOptionsOf(
  trace: Trace,
  entry: PolicyEntry,
  capacity: Capacity,
  trainEnd: number,
  options: SimulateOptions,
): ReplayOptions {
  return {
    capacity,
    eviction: entry.eviction,
    lruStore: options.lruStore,
    scoredStart: trainEnd,
    fetchLatency: options.fetchLatency,
    latencySeed: options.settings?.seed,
    predictionLatency: options.predictionLatency,
    msToTraceUnit: millisecondsToTraceUnit(1, trace.timeUnit),
    backendConcurrency: options.backendConcurrency,
  };
}

function runOf(
  policy: Policy,
  entry: PolicyEntry,
  capacity: Capacity,
  result: ReplayResult,
  policyReport: PolicyReport,
): PolicyRun {
  return {
    policyId: entry.id,
    label: policy.label,
    isBound: entry.isBound === true,
    capacity,
    counters: result.counters,
    outcomes: result.outcomes,
    issuedPrefetchesPerRequest: result.issuedPrefetchesPerRequest,
    waitLatencies: result.waitLatencies,
    onRequestMs: result.onRequestMs,
    policyReport,
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
    distinctKeys: distinctKeys(trace),
    trainEnd,
    scoredRequests: trace.length - trainEnd,
    timeUnit: trace.timeUnit,
    backwardTimestamps: trace.stats.backwardTimestamps,
    skippedBlankLines: trace.stats.skippedBlankLines,
    skippedInvalidRows: trace.stats.skippedInvalidRows,
  };
}
