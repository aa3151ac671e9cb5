import { PolicyContractError } from '../errors.js';
import type { Trace } from '../trace/trace.js';

/** Outcome of one request at the cache. */
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

/**
 * Returns an event object for a policy that sets `ignoresOutcomes`.
 * Reading its `outcome` throws, so that a policy that reads it after all
 * fails on every path, not only when the engine calls it ahead. A class,
 * because an object literal with a getter keeps its fields in a
 * dictionary, and each write to them then took a slow path.
 */
export function eventWithoutOutcome(label: string): RequestEvent {
  return new EventWithoutOutcome(label);
}

class EventWithoutOutcome implements RequestEvent {
  index = 0;
  keyId = 0;
  time = 0;
  sizeBytes = 0;
  isScored = false;
  readonly #label: string;

  constructor(label: string) {
    this.#label = label;
  }

  get outcome(): OutcomeCode {
    throw new PolicyContractError(
      `policy ${this.#label} sets ignoresOutcomes but read request.outcome; remove ignoresOutcomes, or stop reading the outcome`,
    );
  }
}

/**
 * Keys a policy may push after one request. More is taken for a runaway
 * loop and rejected; it also bounds what the policy thread hands over
 * per request.
 */
export const MAX_PUSHES_PER_REQUEST = 1 << 18;

/** Destination of the keys a policy wants prefetched after a request. */
export interface PrefetchSink {
  /**
   * Requests a prefetch of `keyId`. `confidence` in [0, 1] is optional and
   * recorded for reports; the first key pushed counts as the prediction.
   * At most MAX_PUSHES_PER_REQUEST keys follow one request.
   */
  push(keyId: number, confidence?: number): void;
}

/** Inputs a policy may read before the replay. */
export interface PrepareContext {
  /** The training part of the trace: requests [0, trainEnd). */
  readonly training: TrainingView;
  /** Lookups in the whole trace's key dictionary (see `KeyDictionary`). */
  readonly dictionary: KeyDictionary;
  /** Seed for any randomness, so that one seed gives one result. */
  readonly seed: number;
  /** Writes a progress or status line to stderr (quiet when not a terminal). */
  readonly log: (message: string) => void;
}

/**
 * A read-only copy of the trace's first requests. Key ids below
 * `keys.length` are exactly the keys of this part, numbered in order of
 * first request. Later keys get the ids from `keys.length` upwards in the
 * order of their key text, so an id reveals nothing about when its key is
 * first requested.
 */
export interface TrainingView {
  /** Number of requests in the training part. */
  readonly length: number;
  /**
   * Key ids of the training part. A copy, not a view of the trace's column:
   * a view's `buffer` would expose the requests after the training part.
   */
  readonly keyIds: Uint32Array;
  /** Key text of each id that occurs in the training part. */
  readonly keys: readonly string[];
  /**
   * Number of distinct keys in the whole trace; every key id is below it.
   * This one count is the only fact about later requests in the view.
   */
  readonly keySpace: number;
}

/**
 * The trace's key dictionary, by lookup. It reveals which keys the trace
 * contains, later requests included, but not when or how often they are
 * requested: a policy that prefetches computed keys (block + 1) needs an id
 * for keys it has not seen yet, and the engine accepts only ids of the
 * trace. The cost of that knowledge is that such a policy never wastes a
 * prefetch on a key the trace never requests; a real prefetcher would.
 */
export interface KeyDictionary {
  /** Number of distinct keys; ids run from 0 to `size - 1`. */
  readonly size: number;
  /** Key text of an id; throws a `RangeError` for an id out of range. */
  textOf(keyId: number): string;
  /** Id of a key text, or `undefined` when the trace never requests it. */
  idOf(text: string): number | undefined;
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
   * long, oldest first, padded with -1 before the trace starts. Window i
   * holds the keys up to and including request i, and its prediction may
   * serve request i only: every window arrives before the replay starts,
   * so window i + 1 reveals the key of request i + 1. `simulate
   * check-policy` fails a policy that uses a later window.
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
 * to prefetch. The cache itself is the engine's LRU.
 *
 * What a policy receives: the training part of the trace and the key
 * dictionary once in `prepare`; then, in trace order, each request with its
 * outcome and the simulated clock (`onRequest`) and each eviction
 * (`onEvict`). What it returns: key ids pushed to the `PrefetchSink`, each
 * with an optional confidence. What it may not do: read files or the
 * network, keep state between two instances (for example in module-level
 * variables: a later replay would then know an earlier replay's future),
 * use a batch window for any request but its own, or change the cache
 * other than by pushing prefetches. `simulate` hands a policy no reference
 * to the trace, the engine or the cache (see `IsolatedPolicy`). Files and
 * module state stay within reach, so `simulate check-policy` also replays
 * two traces that share a beginning and fails a policy whose decisions on
 * that beginning differ, whatever the channel it used.
 */
export interface Policy {
  /** Label for reports: the policy id plus any non-default parameters. */
  readonly label: string;
  /** Trains or builds tables from the training part, before the replay. */
  prepare?(context: PrepareContext): Promise<void>;
  /** Present when the policy wants its predictions computed in batches. */
  readonly batch?: BatchPrediction;
  /**
   * Called after the cache served each request, warm-up included. A policy
   * without it never prefetches, and the engine skips the call entirely.
   */
  onRequest?(request: RequestEvent, prefetch: PrefetchSink): void;
  /**
   * True when the pushes depend on the requests alone: `onRequest` never
   * reads `request.outcome`, and the policy has no `onEvict`. The engine
   * may then call `onRequest` for a run of requests before it serves
   * them, still one request at a time and in trace order, which is
   * faster than a call between every two requests. Behind `simulate`'s
   * boundary, reading `outcome` then throws.
   */
  readonly ignoresOutcomes?: boolean;
  /** Called when the cache evicts a key to make room. */
  onEvict?(keyId: number): void;
  /**
   * Returns a policy for another replay of the same trace (at another
   * capacity) that shares this one's prepared state, so that a model is
   * trained once per run. `simulate` calls it after `prepare` and does not
   * call `prepare` on the result. It must share nothing that a replay
   * changes, and it counts as a separate instance for `dispose`.
   */
  fork?(): Policy;
  /** Measured costs, read once after the replay. */
  report?(): PolicyReport;
  /** Frees models or other resources. */
  dispose?(): void;
}

/** Copies the first `trainEnd` requests of `trace` into a `TrainingView`. */
export function trainingView(trace: Trace, trainEnd: number): TrainingView {
  const keyIds = trace.keyIds.slice(0, trainEnd);
  return {
    length: trainEnd,
    keyIds,
    keys: trace.keys.slice(0, prefixKeyCount(keyIds)),
    keySpace: trace.keys.length,
  };
}

/**
 * Number of distinct keys in a trace prefix. Trace ids are dense in order
 * of first request, so the prefix contains exactly ids 0 to the largest one.
 */
export function prefixKeyCount(prefixKeyIds: Uint32Array): number {
  let largest = -1;
  for (const keyId of prefixKeyIds) if (keyId > largest) largest = keyId;
  return largest + 1;
}
