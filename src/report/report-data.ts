import type { Comparison, Evaluation, EvaluationSettings, RunEvaluation } from '../eval/evaluate.js';
import type { Sweep } from '../eval/sweep.js';
import type { SimulationResult, TraceSummary } from '../simulate.js';
import type { MachineFacts } from './environment.js';
import { verdictReason } from './verdict-text.js';

/** Version of the JSON layout; raised when a field changes meaning. */
export const REPORT_SCHEMA_VERSION = 1;

/** Facts needed to run the same simulation again and get the same numbers. */
export interface Reproducibility extends MachineFacts {
  /** The command line as typed. */
  command: string;
  /** SHA-256 of the trace file; null for a trace not read from a file. */
  traceSha256: string | null;
  /** Seed of training and replay, and seed of the bootstrap. */
  seed: number;
  bootstrapSeed: number;
  /**
   * TensorFlow.js backends the policies' models ran on, comma separated;
   * `none` when no policy ran a model.
   */
  backend: string;
}

/** A comparison with its verdict written out as one sentence. */
export interface ReportComparison extends Comparison {
  reason: string;
}

/**
 * Everything a report shows, as written to the JSON file beside the
 * markdown. The markdown and the charts are rendered from this alone, so
 * `simulate report RESULTS.json` renders them again.
 */
export interface ReportData {
  schemaVersion: number;
  reproducibility: Reproducibility;
  trace: TraceSummary;
  /** Fetch and prediction latency models of the replay, described. */
  fetchLatency: string;
  predictionLatency: string;
  /** Most fetches in flight at once; null for unbounded. */
  backendConcurrency: number | null;
  settings: EvaluationSettings;
  runs: RunEvaluation[];
  comparisons: ReportComparison[];
  sweep: Sweep;
}

/** Context of a report that the simulation result does not hold. */
export interface ReportContext {
  command: string;
  traceSha256: string | null;
  machine: MachineFacts;
}

/** Joins the simulation, its evaluation and the context into report data. */
export function buildReportData(
  result: SimulationResult,
  evaluation: Evaluation,
  context: ReportContext,
): ReportData {
  const backends = [
    ...new Set(
      evaluation.runs.flatMap((run) =>
        run.overhead.backend === null ? [] : [run.overhead.backend],
      ),
    ),
  ];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    reproducibility: {
      command: context.command,
      ...context.machine,
      traceSha256: context.traceSha256,
      seed: result.seed,
      bootstrapSeed: evaluation.settings.bootstrapSeed,
      backend: backends.length === 0 ? 'none' : backends.join(', '),
    },
    trace: result.trace,
    fetchLatency: describeFetchLatency(result),
    predictionLatency:
      result.predictionLatency === 'measured'
        ? "measured: each policy's own time per prediction"
        : `${result.predictionLatency} ${result.trace.timeUnit}`,
    backendConcurrency: result.backendConcurrency ?? null,
    settings: evaluation.settings,
    runs: evaluation.runs,
    comparisons: evaluation.comparisons.map((comparison) => ({
      ...comparison,
      reason: verdictReason(comparison, evaluation.settings.confidenceLevel),
    })),
    sweep: evaluation.sweep,
  };
}

function describeFetchLatency(result: SimulationResult): string {
  const spec = result.fetchLatency;
  const unit = result.trace.timeUnit;
  if (spec.kind === 'fixed') return `${spec.value} ${unit}`;
  if (spec.kind === 'lognormal') {
    return `log-normal, median ${spec.median} ${unit}, p99 ${spec.p99} ${unit}`;
  }
  return 'per request, from a trace column';
}
