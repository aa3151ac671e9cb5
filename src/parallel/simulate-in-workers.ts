import { threadId } from 'node:worker_threads';
import { simulate, type PolicyRun, type SimulateOptions, type SimulationResult } from '../simulate.js';
import { resolvePolicies } from '../policies/loader.js';
import { readTrace } from '../trace/read.js';
import { distinctKeys, type Trace } from '../trace/trace.js';
import type { RunSummary } from '../eval/run-summary.js';
import { claimOrder } from './claim-order.js';
import { errorOf } from './failure.js';
import { JobClaims } from './job-claims.js';
import type { JobOptions, JobsMessage, WorkerMessage } from './messages.js';
import { replayJob } from './replay-job.js';
import { sharedTrace } from './shared-trace.js';
import { ReplayWorkerPool, type ReplayWorker } from './worker-pool.js';

/**
 * Policies replayed in the main thread even when workers run: a policy
 * that trains a TensorFlow.js model would load a second copy of the
 * library and its backend into each worker.
 */
export const MAIN_THREAD_POLICIES: readonly string[] = ['lstm'];

/** Options of `simulateInWorkers` beyond those of `simulate`. */
export interface WorkerExtras {
  /**
   * Metrics windows of the evaluation to come. Each worker then summarises
   * the runs it replays over these windows (see `RunSummary`), and sends
   * the summary in place of the run's per-request arrays: those runs come
   * back with empty outcomes, issued prefetches, waits and hook samples.
   */
  metricsWindows?: number;
  /**
   * Called once, when the first replaying thread has no job left while
   * others may still replay, with whether that thread is this one. A
   * caller can use the core it frees to prepare what it needs after the
   * replays. Not called when no worker starts.
   */
  onWorkerIdle?: (isThisThread: boolean) => void;
  /**
   * Workers started ahead, sized by `replayWorkersNeeded`, which the
   * caller stops. Without a pool, the workers start and stop here.
   */
  pool?: ReplayWorkerPool;
  /**
   * Whether the workers of `pool` load the chart modules once no job is
   * left, for a caller that then renders charts on them (see
   * `ReplayWorkerPool.chartRenderer`).
   */
  preloadCharts?: boolean;
}

/**
 * Returns how many worker threads `simulateInWorkers` starts for these
 * policies and capacities: 0 when it replays everything in this thread.
 * This thread is one of the `workers` threads: it replays jobs too, or
 * runs the main-thread policies (lstm) when there are any.
 *
 * @param policies policy ids or module paths
 * @param workers threads at most, this one included, at least 1
 */
export function replayWorkersNeeded(policies: readonly string[], capacities: number, workers: number): number {
  if (workers <= 1 || policies.length * capacities <= 1) return 0;
  const inWorkers = policies.filter((policy) => !MAIN_THREAD_POLICIES.includes(policy)).length;
  return workerThreads(workers, inWorkers * capacities, inWorkers === policies.length);
}

/** Worker threads for `jobs` jobs, with this thread replaying some or busy with its own. */
function workerThreads(workers: number, jobs: number, replaysHere: boolean): number {
  return replaysHere ? Math.min(workers, jobs) - 1 : Math.min(workers - 1, jobs);
}

/** A simulation result with the summaries that workers computed. */
export interface WorkerSimulationResult extends SimulationResult {
  /**
   * Summary of each run by run index, when a worker replayed the run and
   * `metricsWindows` was given, otherwise undefined. Pass it to `evaluate`,
   * which summarises the missing ones itself.
   */
  runSummaries: (RunSummary | undefined)[];
}

/**
 * Runs `simulate` with its (policy, capacity) pairs spread over threads.
 * Each pair is replayed by its own `simulate` call with a fresh policy, as
 * the sequential loop does, and runs are put back in the sequential order,
 * so the result does not depend on the thread count. With one thread, or
 * one pair, everything runs in this thread.
 *
 * This thread replays pairs too, unless a main-thread policy (lstm) keeps
 * it busy: it has its modules loaded already, while a new worker takes
 * about 0.1 s to load them.
 *
 * @param workers threads at most, this one included, at least 1
 */
export async function simulateInWorkers(
  given: SimulateOptions,
  workers: number,
  extras: WorkerExtras = {},
): Promise<WorkerSimulationResult> {
  const trace =
    typeof given.trace === 'string'
      ? await readTrace(given.trace, given.traceOptions)
      : given.trace;
  const options: SimulateOptions & { trace: Trace } = { ...given, trace };
  const policyIds = options.policies.filter((policy) => typeof policy === 'string');
  // A policy entry object cannot be sent to a worker, so such runs stay here.
  if (policyIds.length !== options.policies.length) return inThisThread(options);
  const jobs = policyIds.flatMap((policyId) =>
    options.capacities.map((capacity) => ({ policyId, capacity })),
  );
  if (workers <= 1 || jobs.length <= 1) return inThisThread(options);
  // With no capacity, simulate only checks policies and parameters and
  // summarises the trace; the runs come from the jobs.
  const summary = await simulate({ ...options, capacities: [] });
  // Parameters name a policy by its id, which for a module path is the id
  // the module declares, so each job's parameters are picked by that id.
  const entries = await resolvePolicies(policyIds);
  const idOf = new Map(policyIds.map((policy, i) => [policy, entries[i].id]));
  // Replays in workers keep the cores busy, so no policy takes a thread.
  const jobOptions: JobOptions[] = jobs.map(({ policyId, capacity }) => ({
    ...withoutTraceAndLog(options),
    policyThread: false,
    policies: [policyId],
    params: (options.params ?? []).filter((p) => p.startsWith(`${idOf.get(policyId)}.`)),
    capacities: [capacity],
  }));
  const runs = new Array<PolicyRun>(jobs.length);
  const runSummaries = new Array<RunSummary | undefined>(jobs.length).fill(undefined);
  const inMain = jobs.flatMap((job, i) => (MAIN_THREAD_POLICIES.includes(job.policyId) ? [i] : []));
  const inWorkers = claimOrder(
    jobs.flatMap((job, i) => (MAIN_THREAD_POLICIES.includes(job.policyId) ? [] : [i])),
    jobs,
    distinctKeys(trace),
  );
  await Promise.all([
    runInWorkers(options, inWorkers, jobOptions, { runs, runSummaries }, { ...extras, workers, replaysHere: inMain.length === 0 }),
    runInMainThread(options, inMain, jobOptions, runs),
  ]);
  return { ...summary, runs, runSummaries };
}

async function inThisThread(options: SimulateOptions): Promise<WorkerSimulationResult> {
  const result = await simulate(options);
  return { ...result, runSummaries: result.runs.map(() => undefined) };
}

function withoutTraceAndLog(options: SimulateOptions): JobOptions {
  const { trace: _trace, log: _log, ...rest } = options;
  return rest;
}

async function runInMainThread(
  options: SimulateOptions & { trace: Trace },
  indices: number[],
  jobOptions: JobOptions[],
  runs: PolicyRun[],
): Promise<void> {
  // Jobs of one policy run in one simulate call over all their capacities,
  // so that a policy that forks (lstm) trains once.
  const byPolicy = new Map<unknown, number[]>();
  for (const index of indices) {
    const policy = jobOptions[index].policies[0];
    byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), index]);
  }
  for (const group of byPolicy.values()) {
    const capacities = group.flatMap((index) => jobOptions[index].capacities);
    const result = await simulate({ ...jobOptions[group[0]], capacities, trace: options.trace, log: options.log });
    group.forEach((index, i) => {
      runs[index] = result.runs[i];
    });
  }
}

/** Runs and summaries that workers return, by job index. */
interface WorkerOutput {
  runs: PolicyRun[];
  runSummaries: (RunSummary | undefined)[];
}

/**
 * Replays the jobs on up to `workers` threads, this one among them when
 * `replaysHere`. Each thread claims the next job when it is done with one.
 */
async function runInWorkers(
  options: SimulateOptions & { trace: Trace },
  indices: number[],
  jobOptions: JobOptions[],
  output: WorkerOutput,
  { workers, metricsWindows, onWorkerIdle, pool: started, preloadCharts, replaysHere }: WorkerExtras & { workers: number; replaysHere: boolean },
): Promise<void> {
  if (indices.length === 0) return;
  const count = workerThreads(workers, indices.length, replaysHere);
  const ownPool = started === undefined ? new ReplayWorkerPool(count) : undefined;
  const pool = (started ?? ownPool!).workers.slice(0, count);
  const claims = new JobClaims(indices.length);
  const message: JobsMessage = {
    type: 'jobs',
    trace: sharedTrace(options.trace),
    indices,
    options: indices.map((index) => jobOptions[index]),
    claims: claims.buffer,
    metricsWindows,
    preloadCharts: started !== undefined && preloadCharts,
  };
  for (const { thread } of pool) {
    thread.ref();
    thread.postMessage(message);
  }
  let hasReportedIdle = false;
  // This thread learns of a worker's last job only when its own replays
  // let the event loop run, so the claims tell which thread was idle first.
  const reportIdle = () => {
    if (hasReportedIdle) return;
    hasReportedIdle = true;
    onWorkerIdle?.(claims.firstIdle() === threadId);
  };
  try {
    await Promise.all([
      ...pool.map((worker) => collect(worker, output, options.log).then(reportIdle)),
      ...(replaysHere ? [replayClaimed(options, message, claims, output).then(reportIdle)] : []),
    ]);
  } catch (error) {
    // The other threads stop after the job they are on.
    claims.close();
    throw error;
  } finally {
    await ownPool?.terminate();
  }
}

/** Replays jobs in this thread until none is left to claim. */
async function replayClaimed(
  options: SimulateOptions & { trace: Trace },
  message: JobsMessage,
  claims: JobClaims,
  output: WorkerOutput,
): Promise<void> {
  for (let job = claims.next(); job !== undefined; job = claims.next()) {
    const index = message.indices[job];
    const { run, summary } = await replayJob(options.trace, message.options[job], message.metricsWindows, options.log);
    output.runs[index] = run;
    output.runSummaries[index] = summary;
  }
  claims.noteIdle(threadId);
}

/** Takes one worker's runs until it has no job left; rejects if the worker fails. */
function collect(
  { thread, stopped }: ReplayWorker,
  output: WorkerOutput,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const drained = new Promise<void>((resolve, reject) => {
    thread.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') log?.(message.line);
      else if (message.type === 'failed') reject(errorOf(message.failure));
      else if (message.type === 'drained') {
        // An idle worker must not keep this thread alive. If a job of this
        // thread then awaits a promise that can never settle, the event
        // loop empties and the CLI reports it (see main.ts).
        thread.unref();
        resolve();
      }
      else if (message.type === 'done') {
        output.runs[message.index] = message.run;
        output.runSummaries[message.index] = message.summary;
      }
    });
  });
  return Promise.race([drained, stopped]);
}
