import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { BadOptionError } from '../errors.js';
import { evaluate } from '../eval/evaluate.js';
import { replayWorkersNeeded, simulateInWorkers, type WorkerSimulationResult } from '../parallel/simulate-in-workers.js';
import { ReplayWorkerPool } from '../parallel/worker-pool.js';
import { isPolicyPath } from '../policies/loader.js';
import { machineFacts, sha256OfFile } from '../report/environment.js';
import { loadChartModules } from '../report/charts.js';
import { renderTextTable } from '../report/markdown.js';
import { buildReportData } from '../report/report-data.js';
import { writeReport } from '../report/write-report.js';
import { parseDuration, parseLatency } from '../sim/latency.js';
import { parseCapacity, resolveCapacity, type CapacitySpec } from './capacity.js';
import { evaluationOptions, type EvalArgs } from './eval-flags.js';
import type { CliIo } from './main.js';
import { progressLog } from './progress-bar.js';
import { checkReportPath } from './report-path.js';
import { cacheLine, loadOptionsOf, loadTraceForCli, type TraceArgs } from './trace-options.js';
import { readNumericColumn } from '../trace/column.js';
import { distinctKeys } from '../trace/trace.js';

/** Parsed options of the main command, as yargs returns them. */
export interface SimulateArgs extends EvalArgs, TraceArgs {
  policy: string;
  cacheSize: string;
  trainFraction: number;
  confidence?: number;
  param: string[];
  fetchLatency: string;
  predictionLatency: string;
  backendConcurrency?: number;
  seed: number;
  backend?: string;
  /** Directory of a saved lstm model. */
  model?: string;
  out?: string;
  progress?: boolean;
  /** Threads that replay, the main one included, as given; default: the cores Node may use. */
  workers?: string | string[];
}

/** Policies whose prefetch threshold `--confidence` sets. */
const CONFIDENCE_POLICIES = ['next-key', 'lstm'];

/**
 * Reads the trace, replays it through every policy and capacity, prints the
 * table on stdout and writes the markdown report.
 */
export async function runSimulate(args: SimulateArgs, io: CliIo, command: string): Promise<void> {
  const policies = splitList(args.policy, '--policy');
  const capacitySpecs = splitList(args.cacheSize, '--cache-size').map(parseCapacity);
  checkConcurrency(args.backendConcurrency);
  const evalOptions = evaluationOptions(args, policies);
  const jobs = policies.length * capacitySpecs.length;
  const threads = threadCount(args.workers);
  const workers = Math.max(1, Math.min(threads, jobs));
  // One replay leaves the other cores idle, so its policy may take one.
  const policyThread = jobs === 1 && threads >= 2;
  const reportPath = args.out ?? defaultReportPath(args.trace, policies);
  checkReportPath(reportPath);
  const progress = progressLog(io, args.progress);
  // Workers load their modules (about 0.1 s) while this thread reads the
  // trace. Once their jobs are done, the first one draws some of the charts.
  const needed = replayWorkersNeeded(policies, capacitySpecs.length, workers);
  const pool = needed === 0 ? undefined : new ReplayWorkerPool(needed);
  try {
    const { result, cacheText, contentHash, isWorkerFirstIdle } = await loadAndReplay(args, io, policies, capacitySpecs, { workers, policyThread, pool }, progress, evalOptions.windows);
    const data = buildReportData(result, evaluate(result, evalOptions, result.runSummaries), {
      command,
      traceSha256: contentHash ?? (await sha256OfFile(args.trace)),
      machine: machineFacts(),
    });

    // The thread that ran out of jobs first has had time to load the chart
    // modules, so it draws the largest chart. The workers then stop while
    // this thread writes the files: stopping one took 16 to 21 ms.
    const elsewhere =
      pool === undefined
        ? undefined
        : { render: pool.chartRenderer(), largest: isWorkerFirstIdle, onDrawn: () => void pool.terminate() };
    await writeReport(data, reportPath, true, elsewhere);
    io.stdout.write(`${renderTextTable(data)}\n\nreport: ${reportPath}\n${cacheText}`);
  } finally {
    await pool?.terminate();
  }
}

/**
 * Loads the trace and replays it. Only the results leave this function, so
 * the trace's columns (hundreds of MiB for a long trace) can be freed
 * before the evaluation and the charts allocate their own memory.
 */
async function loadAndReplay(
  args: SimulateArgs,
  io: CliIo,
  policies: string[],
  capacitySpecs: CapacitySpec[],
  { workers, policyThread, pool }: { workers: number; policyThread: boolean; pool: ReplayWorkerPool | undefined },
  progress: ReturnType<typeof progressLog>,
  metricsWindows: number,
): Promise<{ result: WorkerSimulationResult; cacheText: string; contentHash: string | undefined; isWorkerFirstIdle: boolean }> {
  const loaded = await loadTraceForCli(args, io);
  const trace = loaded.trace;
  const latencyColumn = await readLatencyColumn(args, trace.length);
  let isWorkerFirstIdle = false;
  const result = await simulateInWorkers({
    trace,
    policies,
    params: [...confidenceParams(args.confidence, policies, args.param), ...args.param],
    capacities: capacitySpecs.map((spec) => resolveCapacity(spec, distinctKeys(trace))),
    trainFraction: args.trainFraction,
    fetchLatency: parseLatency(String(args.fetchLatency), trace.timeUnit, () => latencyColumn!),
    predictionLatency:
      args.predictionLatency === 'measured'
        ? 'measured'
        : parseDuration(String(args.predictionLatency), trace.timeUnit, '--prediction-latency'),
    backendConcurrency: args.backendConcurrency,
    settings: { seed: args.seed, backend: args.backend, modelDir: args.model },
    policyThread,
    log: progress.log,
  }, workers, {
    metricsWindows,
    pool,
    // A thread without a job leaves a core idle until the last run is
    // back, time in which the chart modules can load. A failure to load
    // them is reported when the charts are drawn. When the worker ran out
    // of jobs first, this thread learns it only after its own last run.
    // Loading then takes 0.03 s before the worker gets its chart, so this
    // thread loads the modules later, when it draws its own charts.
    onWorkerIdle: (isThisThread) => {
      isWorkerFirstIdle = !isThisThread;
      if (isThisThread) void loadChartModules().catch(() => {});
    },
    preloadCharts: true,
  }).finally(progress.done);
  // The trace cache hashed the file when it read it. Hashing it again
  // would read the whole file a second time (0.1 to 0.2 s of CPU time
  // for a 130 MB file).
  return { result, cacheText: cacheLine(loaded), contentHash: loaded.contentHash, isWorkerFirstIdle };
}

/**
 * Reads the column that `--fetch-latency column:NAME` names, in the trace's
 * time unit, or returns undefined for the other forms.
 */
async function readLatencyColumn(args: SimulateArgs, requests: number): Promise<Float64Array | undefined> {
  const latency = String(args.fetchLatency);
  if (!latency.startsWith('column:')) return undefined;
  if (args.sortByTime) {
    throw new BadOptionError('--fetch-latency: column:NAME needs the file order of requests; drop --sort-by-time');
  }
  const column = latency.slice('column:'.length);
  if (column === '') {
    throw new BadOptionError('--fetch-latency: column: needs a column name or 1-based index, e.g. column:ResponseTime or column:7');
  }
  const { cacheDirectory: _cache, sortByTime: _sort, ...readOptions } = loadOptionsOf(args);
  return readNumericColumn(args.trace, readOptions, column, requests, '--fetch-latency');
}

/**
 * `--workers`, or the cores Node may use, never more than either. Threads
 * beyond the cores only share them, and each keeps a replay's memory.
 * The option is read as text, so that an error can quote what was given.
 */
function threadCount(requested: string | string[] | undefined): number {
  if (requested === undefined) return availableParallelism();
  if (Array.isArray(requested)) {
    throw new BadOptionError(`--workers: given ${requested.length} times (${requested.join(', ')}); give it once`);
  }
  if (!/^[0-9]+$/.test(requested.trim()) || Number(requested) < 1) {
    throw new BadOptionError(`--workers: "${requested}" is not a whole number of at least 1; give the number of threads, e.g. --workers 2`);
  }
  return Math.min(Number(requested), availableParallelism());
}

function splitList(text: string, flag: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new BadOptionError(`${flag}: "${text}" has an empty item; separate values with single commas`);
  }
  const repeated = items.find((item, i) => items.indexOf(item) !== i);
  if (repeated !== undefined) {
    throw new BadOptionError(`${flag}: "${repeated}" is given twice in "${text}"; list each value once`);
  }
  return items;
}

function checkConcurrency(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new BadOptionError(`--backend-concurrency: ${limit} is not a whole number of fetches >= 1`);
  }
}

/** `--confidence` sets the threshold of each predicting policy in the run. */
function confidenceParams(confidence: number | undefined, policies: string[], params: string[]): string[] {
  if (confidence === undefined) return [];
  if (!(confidence >= 0 && confidence <= 1)) {
    throw new BadOptionError(`--confidence: ${confidence} is outside [0, 1]`);
  }
  return policies
    .filter((id) => CONFIDENCE_POLICIES.includes(id))
    .filter((id) => !params.some((p) => p.startsWith(`${id}.confidence=`)))
    .map((id) => `${id}.confidence=${confidence}`);
}

function defaultReportPath(tracePath: string, policies: string[]): string {
  const traceName = basename(tracePath).replace(/\.(csv|gz|txt|trace)$/g, '').replace(/\.csv$/, '');
  // A policy module path contributes its file name, so the report stays in reports/.
  const names = policies.map((item) => (isPolicyPath(item) ? basename(item, extname(item)) : item));
  return join('reports', `${traceName}-${names.join('-')}.md`);
}
