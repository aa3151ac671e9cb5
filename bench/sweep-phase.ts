/**
 * Times the replays of a sweep alone, in this process, with 1 and with 2
 * threads. That is what the CLI does between reading the trace and
 * evaluating the runs, so beside the whole-process sweep it shows how much
 * Node's start, the trace read and the report add to that ratio.
 */
import { summariseRun } from '../src/eval/run-summary.js';
import { metricsWindowBounds } from '../src/eval/window-bounds.js';
import { simulateInWorkers } from '../src/parallel/simulate-in-workers.js';
import { sharedTrace } from '../src/parallel/shared-trace.js';
import { withKeyTable } from '../src/trace/key-table.js';
import type { Trace } from '../src/trace/trace.js';
import { median } from './process-time.js';

/** Metrics windows of the CLI's evaluation (`--windows`, default 50). */
const WINDOWS = 50;

export interface SweepPhaseFigures {
  trace: string;
  /** Median wall time with 1 thread and with 2, in ms. */
  oneWorkerMs: number;
  twoWorkersMs: number;
  /** Time with 2 threads over time with 1, per pair of runs. */
  pairRatios: number[];
  ratio: number;
}

/**
 * Times `pairs` pairs of sweeps over `sizes` (objects), lru at zero
 * latency, each pair one run on this thread alone and then one with a
 * worker thread. A run spans the start of its worker, the replays and
 * each run's summary over the metrics windows. Two threads summarise each
 * run as they replay it, and one thread summarises them all at the end,
 * as the CLI's evaluation does.
 */
export async function sweepPhaseFigures(name: string, trace: Trace, sizes: number[], pairs: number): Promise<SweepPhaseFigures> {
  // Columns in shared memory, as the trace cache leaves them, so that no
  // run copies them for its worker.
  const shared = sharedTrace(trace);
  const inShared = withKeyTable(shared.fields, shared.keyTable);
  const oneThreadMs: number[] = [];
  const twoThreadsMs: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    oneThreadMs.push(await timeSweep(inShared, sizes, 1));
    twoThreadsMs.push(await timeSweep(inShared, sizes, 2));
  }
  const pairRatios = twoThreadsMs.map((ms, i) => ms / oneThreadMs[i]);
  return { trace: name, oneWorkerMs: median(oneThreadMs), twoWorkersMs: median(twoThreadsMs), pairRatios, ratio: median(pairRatios) };
}

async function timeSweep(trace: Trace, sizes: number[], workers: number): Promise<number> {
  const start = performance.now();
  const result = await simulateInWorkers(
    {
      trace,
      policies: ['lru'],
      capacities: sizes.map((objects) => ({ unit: 'objects' as const, objects })),
      trainFraction: 0,
    },
    workers,
    { metricsWindows: WINDOWS },
  );
  const bounds = metricsWindowBounds(result.trace.scoredRequests, WINDOWS);
  result.runs.forEach((run, i) => result.runSummaries[i] ?? summariseRun(run, bounds));
  return performance.now() - start;
}
