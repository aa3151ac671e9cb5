/**
 * The LSTM validation experiment: train the `lstm` policy on each generated
 * pattern and measure, on requests it was not trained on, its next-key
 * accuracy beside the best accuracy the pattern allows and beside the
 * `next-key` heuristic's, with training time and prediction costs.
 *
 * Protocol, per pattern and size:
 * - The trace is `generateKeys(pattern, length, seed)`. Requests before
 *   `trainEnd` train the model (its last `validation-split` of samples
 *   decide early stopping); the rest are the test part.
 * - The LSTM's accuracy is the share of test requests i (all but the last)
 *   whose top-1 prediction from the window ending at i is the key of
 *   request i + 1, at any confidence. Prefetch rate is the share whose
 *   prediction is a known key with probability at least 0.6.
 * - next-key's accuracy is measured the same way through `simulate`, with
 *   `min-count=1` and `confidence=0`, so that it predicts wherever it has a
 *   successor; it learns online, warm-up included.
 */
import { LstmPolicy } from '../../policies/lstm.js';
import { LSTM_PARAMS } from '../../policies/lstm-params.js';
import type { TrainingResult } from '../model/train.js';
import { predictionPercentiles, type PredictionPercentiles } from '../eval/prediction-percentiles.js';
import { groupParams, policyLabel, resolveParams } from '../policies/params.js';
import { trainingView, type KeyDictionary } from '../policies/policy.js';
import { precomputePredictions } from '../sim/batch.js';
import { simulate } from '../simulate.js';
import { generateKeys, type Pattern } from '../trace/generate.js';
import { Op, TraceBuilder, type Trace } from '../trace/trace.js';
import { bestPossibleAccuracy, type BestPossible } from './best-possible.js';

/** The four patterns of the experiment. */
export const VALIDATE_PATTERNS = ['sequential', 'periodic', 'zipfian', 'random'] as const;

/** Confidence at which the prefetch rate is counted. */
export const PREFETCH_CONFIDENCE = 0.6;

/** One size of the experiment. */
export interface ValidateSize {
  /** Name in the report, e.g. `1,000 samples`. */
  readonly name: string;
  /** Requests in the training part. */
  readonly trainRequests: number;
  /** Requests in the test part. */
  readonly testRequests: number;
}

export interface ValidateOptions {
  readonly sizes: readonly ValidateSize[];
  /** `lstm.key=value` overrides of the policy's parameters. */
  readonly params: readonly string[];
  readonly seed: number;
  readonly backend?: string;
  readonly log: (message: string) => void;
}

/** Measurements of the LSTM and next-key on one pattern at one size. */
export interface PatternResult {
  readonly pattern: Pattern;
  readonly size: ValidateSize;
  readonly lstmAccuracy: number;
  readonly nextKeyAccuracy: number;
  readonly best: BestPossible;
  /** Share of test requests with a prefetch at `PREFETCH_CONFIDENCE`. */
  readonly prefetchRate: number;
  readonly training: TrainingResult | undefined;
  readonly trainingMs: number;
  readonly single: PredictionPercentiles | null;
  readonly batchedPerSecond: number | undefined;
  /** Engine that predicted, from the policy's report. */
  readonly inference: string;
  readonly backend: string;
}

export interface ValidateResult {
  readonly label: string;
  readonly seed: number;
  readonly results: PatternResult[];
}

/** Runs the experiment for every size and pattern, in that order. */
export async function validate(options: ValidateOptions): Promise<ValidateResult> {
  const raw = groupParams(options.params).get('lstm') ?? new Map<string, string>();
  const params = resolveParams('lstm', LSTM_PARAMS, raw);
  const label = policyLabel('lstm', LSTM_PARAMS, params);
  const results: PatternResult[] = [];
  for (const size of options.sizes) {
    for (const pattern of VALIDATE_PATTERNS) {
      options.log(`validate: ${pattern}, ${size.name}`);
      results.push(await runPattern(pattern, size, params, options));
    }
  }
  return { label, seed: options.seed, results };
}

async function runPattern(
  pattern: Pattern,
  size: ValidateSize,
  params: Record<string, number | string>,
  options: ValidateOptions,
): Promise<PatternResult> {
  const length = size.trainRequests + size.testRequests;
  const trace = traceOfKeys(generateKeys(pattern, length, options.seed), pattern);
  const trainEnd = size.trainRequests;
  const policy = new LstmPolicy('lstm', params, { seed: options.seed, backend: options.backend });
  try {
    await policy.prepare({
      training: trainingView(trace, trainEnd),
      dictionary: dictionaryOf(trace),
      seed: options.seed,
      log: options.log,
    });
    await precomputePredictions(trace, policy.batch, trainEnd);
    const { keyIds, probabilities } = policy.predictions();
    const report = policy.report();
    return {
      pattern,
      size,
      lstmAccuracy: accuracyOf(keyIds, trace, trainEnd),
      nextKeyAccuracy: await nextKeyAccuracy(trace, trainEnd, options.seed),
      best: bestPossibleAccuracy(pattern, trace, trainEnd),
      prefetchRate: prefetchRateOf(keyIds, probabilities),
      training: policy.training(),
      trainingMs: report.trainingMs ?? 0,
      single: predictionPercentiles(report.singlePredictionMs ?? new Float64Array(0)),
      batchedPerSecond: report.batchedPredictionsPerSecond,
      inference: String(report.notes?.inference ?? ''),
      backend: report.backend ?? '',
    };
  } finally {
    policy.dispose();
  }
}

/** Share of test requests whose prediction is the next request's key. */
function accuracyOf(predicted: Int32Array, trace: Trace, trainEnd: number): number {
  const scored = trace.length - trainEnd - 1;
  let correct = 0;
  for (let i = 0; i < scored; i++) {
    if (predicted[i] === trace.keyIds[trainEnd + i + 1]) correct++;
  }
  return correct / scored;
}

function prefetchRateOf(keyIds: Int32Array, probabilities: Float32Array): number {
  let issued = 0;
  for (let i = 0; i < keyIds.length; i++) {
    if (keyIds[i] >= 0 && probabilities[i] >= PREFETCH_CONFIDENCE) issued++;
  }
  return issued / keyIds.length;
}

/** next-key's accuracy over the same test requests, through `simulate`. */
async function nextKeyAccuracy(trace: Trace, trainEnd: number, seed: number): Promise<number> {
  const result = await simulate({
    trace,
    policies: ['next-key'],
    params: ['next-key.min-count=1', 'next-key.confidence=0'],
    capacities: [{ unit: 'objects', objects: trace.keys.length }],
    // Half a request over, so that flooring the product gives trainEnd.
    trainFraction: (trainEnd + 0.5) / trace.length,
    settings: { seed },
  });
  const { counters } = result.runs[0];
  return counters.correctPredictions / (trace.length - trainEnd - 1);
}

/** A trace of generated keys, request i at time i, every size 1. */
function traceOfKeys(keys: Float64Array, pattern: Pattern): Trace {
  const builder = new TraceBuilder();
  keys.forEach((key, i) => builder.add(i, String(key), 1, Op.Read));
  return builder.build(`generated:${pattern}`, 'index');
}

/** The trace's own ids: validation code sees the whole trace anyway. */
function dictionaryOf(trace: Trace): KeyDictionary {
  const idOfText = new Map(trace.keys.map((key, id) => [key, id]));
  return {
    size: trace.keys.length,
    textOf: (keyId) => trace.keys[keyId],
    idOf: (text) => idOfText.get(text),
  };
}
