import { evaluate, type EvaluationOptions } from '../../src/eval/evaluate.js';
import { buildReportData, type ReportData } from '../../src/report/report-data.js';
import { simulate } from '../../src/simulate.js';
import { generateKeys } from '../../src/trace/generate.js';
import { traceOf } from '../helpers.js';

const trace = traceOf(Array.from(generateKeys('mixed', 6_000, 11)));

/** Report data of lru and next-key on a generated mixed trace. */
export async function reportDataOf(
  capacities: number[],
  evaluation: Partial<EvaluationOptions> = {},
  policies = ['lru', 'next-key'],
): Promise<ReportData> {
  const result = await simulate({
    trace,
    policies,
    capacities: capacities.map((objects) => ({ unit: 'objects' as const, objects })),
    trainFraction: 0.2,
  });
  const options: EvaluationOptions = {
    baseline: 'lru',
    windows: 12,
    bootstrapReplicates: 500,
    seed: 3,
    ...evaluation,
    guardrails: { maxPredictionP99Ms: null, ...evaluation.guardrails },
  };
  return buildReportData(result, evaluate(result, options), {
    command: 'simulate --trace mixed.csv --policy lru,next-key',
    traceSha256: 'a'.repeat(64),
    machine: { toolVersion: '0.1.0', nodeVersion: 'v20.0.0', cpuModel: 'Test CPU', cpuCores: 2 },
  });
}
