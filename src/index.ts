/**
 * The programmatic API of `cache-prefetch-sim`: the functions the CLI calls
 * and the types a policy module is written against.
 *
 * @example
 * import { simulate, renderTextTable } from 'cache-prefetch-sim';
 * const result = await simulate({
 *   trace: 'traces/periodic.csv',
 *   policies: ['lru', 'next-key', './my-policy.ts'],
 *   capacities: [{ unit: 'objects', objects: 1000 }],
 *   trainFraction: 0.2,
 * });
 * console.log(renderTextTable(result));
 */
export {
  simulate,
  trainEndOf,
  type PolicyRun,
  type SimulateOptions,
  type SimulationResult,
  type TraceSummary,
} from './simulate.js';
export {
  readTrace,
  TRACE_FORMATS,
  type ReadTraceOptions,
  type TraceFormat,
} from './trace/read.js';
export type { CsvReadOptions } from './trace/csv.js';
export {
  Op,
  TraceBuilder,
  type OpCode,
  type Trace,
  type TraceReadStats,
} from './trace/trace.js';
export { formatCapacity, type Capacity } from './sim/cache.js';
export type { LruStoreKind } from './sim/engine.js';
export type { ReplayCounters } from './sim/metrics.js';
export {
  Outcome,
  type BatchPrediction,
  type KeyDictionary,
  type OutcomeCode,
  type Policy,
  type PolicyReport,
  type PrefetchSink,
  type PrepareContext,
  type RequestEvent,
  type TrainingView,
} from './policies/policy.js';
export type {
  CreateOptions,
  PolicyEntry,
  PolicyModule,
  RunSettings,
} from './policies/registry-types.js';
export type { ParamSpec, ParamValues } from './policies/params.js';
export { POLICIES, findPolicy } from './policies/registry.js';
export { loadPolicyModule, resolvePolicies } from './policies/loader.js';
export {
  checkPolicy,
  type CheckOptions,
  type CheckResult,
} from './policies/conformance.js';
export { renderMarkdown, renderTextTable } from './report/markdown.js';
export { buildReportData, type ReportData } from './report/report-data.js';
export { writeReport } from './report/write-report.js';
export { evaluate, type Evaluation, type EvaluationOptions } from './eval/evaluate.js';
export { type RunSummary } from './eval/run-summary.js';
export {
  simulateInWorkers,
  type WorkerExtras,
  type WorkerSimulationResult,
} from './parallel/simulate-in-workers.js';
export {
  BadOptionError,
  BadParameterError,
  NeverSettledError,
  PolicyCheckError,
  PolicyContractError,
  PolicyLoadError,
  RunFailedError,
  SimulatorError,
  TraceParseError,
  TrainingError,
  UnknownPolicyError,
  WorkerStoppedError,
} from './errors.js';
