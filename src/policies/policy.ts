import type { Trace } from '../trace/trace.js';

/** What the cache did with one request. */
export const Outcome = {
  /** The key was resident. */
  Hit: 0,
  /** The key was neither resident nor being fetched: a backend fetch starts. */
  Miss: 1,
  /** The key was being fetched already; the request waits for that fetch. */
  DelayedHit: 2,
} as const;
export type OutcomeCode = (typeof Outcome)[keyof typeof Outcome];

/**
 * One request as a policy sees it, after the cache served it. The engine
 * reuses one object for every request, so a policy must copy what it keeps.
 */
export interface RequestEvent {
  /** 0-based position in the trace. */
  index: number;
  /** Dense key id. */
  keyId: number;
  /** Simulated time, in the trace's clock unit. */
  time: number;
  /** Object size in bytes. */
  sizeBytes: number;
  outcome: OutcomeCode;
  /** False during warm-up, when the engine ignores prefetches. */
  isScored: boolean;
}

/** Where a policy puts the keys it wants prefetched after a request. */
export interface PrefetchSink {
  /**
   * Requests a prefetch of `keyId`. `confidence` in [0, 1] is optional and
   * recorded for reports; the first key pushed counts as the prediction.
   */
  push(keyId: number, confidence?: number): void;
}

/** What a policy may see before the replay. */
export interface PrepareContext {
  /** The training part of the trace: requests [0, trainEnd). */
  readonly training: TrainingView;
  /** Seed for any randomness, so that one seed gives one result. */
  readonly seed: number;
  /** Writes a progress or status line to stderr (quiet when not a terminal). */
  readonly log: (message: string) => void;
}

/** A read-only prefix of the trace. */
export interface TrainingView {
  /** Number of requests in the training part. */
  readonly length: number;
  /** Key ids of the training part (a view of the trace's column). */
  readonly keyIds: Uint32Array;
  /** Key text for each dense id, for policies that parse keys. */
  readonly keys: readonly string[];
  /** Number of distinct keys in the whole trace; ids are below this. */
  readonly keySpace: number;
}

/** Batch predictions that the engine computes before the replay. */
export interface BatchPrediction {
  /**
   * Number of past keys each prediction sees: the request's own key and the
   * ones before it.
   */
  readonly historyWindow: number;
  /**
   * Predicts from `count` windows of past key ids, each `historyWindow`
   * long, oldest first, padded with -1 before the trace starts. The windows
   * contain only keys up to and including the request they follow, so a
   * batch predictor cannot see the future.
   */
  predictBatch(windows: Int32Array, count: number): Promise<void>;
}

/** Measured costs and facts that a policy reports about itself. */
export interface PolicyReport {
  /** Wall time spent training, in milliseconds. */
  trainingMs?: number;
  /** Per-request prediction time in milliseconds (amortised over batches). */
  predictionMsPerRequest?: number;
  /** Latencies of single predictions, in milliseconds, for percentiles. */
  singlePredictionMs?: Float64Array;
  /** Predictions per second in batched inference. */
  batchedPredictionsPerSecond?: number;
  /** Trainable parameters of the policy's model, if it has one. */
  modelParameters?: number;
  /** Size of the model's weights in bytes, if it has a model. */
  modelBytes?: number;
  /** TensorFlow.js backend that ran the model ("wasm", "cpu", ...). */
  backend?: string;
  /** Extra facts, shown as `name: value` lines in the report. */
  notes?: Record<string, string | number>;
}

/**
 * A cache policy under test: it observes each request and answers with keys
 * to prefetch. The cache itself is the engine's LRU; a policy never reads
 * files, never sees future requests and never changes the cache directly.
 */
export interface Policy {
  /** Label for reports: the policy id plus any non-default parameters. */
  readonly label: string;
  /** Trains or builds tables from the training part, before the replay. */
  prepare?(context: PrepareContext): Promise<void>;
  /** Present when the policy wants its predictions computed in batches. */
  readonly batch?: BatchPrediction;
  /** Called after the cache served each request, warm-up included. */
  onRequest(request: RequestEvent, prefetch: PrefetchSink): void;
  /** Called when the cache evicts a key to make room. */
  onEvict?(keyId: number): void;
  /** Measured costs, read once after the replay. */
  report?(): PolicyReport;
  /** Frees models or other resources. */
  dispose?(): void;
}

/** A read-only view of the first `trainEnd` requests of `trace`. */
export function trainingView(trace: Trace, trainEnd: number): TrainingView {
  return {
    length: trainEnd,
    keyIds: trace.keyIds.subarray(0, trainEnd),
    keys: trace.keys,
    keySpace: trace.keys.length,
  };
}
