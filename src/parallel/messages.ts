import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../eval/run-summary.js';
import type { PolicyRun, SimulateOptions } from '../simulate.js';
import type { KeyTable } from '../trace/key-table.js';
import type { Trace } from '../trace/trace.js';

/** One (policy, capacity) replay, as a worker receives it. */
export type JobOptions = Omit<SimulateOptions, 'trace' | 'log'>;

/**
 * The trace sent to each worker once: its columns and its key table in
 * shared memory, so a worker copies neither, and decodes key texts only if
 * its policy reads them.
 */
export interface SharedTrace {
  fields: Omit<Trace, 'keys'>;
  keyTable: KeyTable;
}

/**
 * The one message from the main thread to a replay worker: the trace, and
 * the jobs that the worker and the other replaying threads claim one at a
 * time through `claims` (see `JobClaims`).
 */
export interface JobsMessage {
  type: 'jobs';
  trace: SharedTrace;
  /** Run index of each job, in claim order. */
  indices: number[];
  /** Options of each job, in claim order. */
  options: JobOptions[];
  claims: SharedArrayBuffer;
  /**
   * Metrics windows to summarise each run over once it is replayed (see
   * `RunSummary`). Without it the worker sends no summaries.
   */
  metricsWindows?: number;
  /**
   * Whether the worker loads the chart modules once no job is left, for
   * render messages to come (see `ReplayWorkerPool.chartRenderer`).
   */
  preloadCharts?: boolean;
}

/** A chart that a replay worker draws once its jobs are done. */
export interface RenderMessage {
  type: 'render';
  id: number;
  spec: TopLevelSpec;
}

/** Message from the main thread to a replay worker. */
export type MainMessage = JobsMessage | RenderMessage;

/** An error thrown in a worker, as plain data. */
export interface WorkerFailure {
  name: string;
  message: string;
  /** `SimulatorError` code and exit code, when the error was one. */
  code?: string;
  exitCode?: number;
  stack?: string;
}

/** Message from a worker to the main thread. */
export type WorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'done'; index: number; run: PolicyRun; summary?: RunSummary }
  | { type: 'failed'; index: number; failure: WorkerFailure }
  /** No job was left to claim. */
  | { type: 'drained' }
  | { type: 'rendered'; id: number; svg: string }
  | { type: 'render-failed'; id: number; failure: WorkerFailure };
