/**
 * LSTM prefetcher: a neural next-key predictor trained on the training part.
 *
 * 1. Build a vocabulary of the `vocab` most frequent keys of the training
 *    part (with `target=delta`: the most frequent differences between
 *    consecutive integer keys); all others share one out-of-vocabulary
 *    (OOV) class.
 * 2. Train embedding → LSTM → LSTM → dense softmax to predict the token
 *    after each window of `window` tokens, holding out the most recent
 *    `validation-split` of the samples for early stopping.
 * 3. Before the replay, predict the next key of every scored request from
 *    the window ending at that request, in batches, on ONNX Runtime when it
 *    loads (the network converted from its tfjs weights), else on tfjs.
 *    With `retrain-every=N`, retrain from scratch every N scored requests
 *    on the requests before that point.
 * 4. After each scored request, prefetch its predicted key when that key is
 *    in the vocabulary, exists in the trace, and its probability is at
 *    least `confidence`.
 *
 * With `--model`, a model that `simulate train` saved replaces steps 1
 * and 2.
 *
 * Reference: Hashemi et al., "Learning Memory Access Patterns", ICML 2018,
 * which predicts the next memory access with an LSTM over a vocabulary of
 * frequent address deltas. Deviations: the default target is the key
 * itself, because cache keys need not be numeric, and the model is not
 * updated during the replay except by `retrain-every`.
 */
import { performance } from 'node:perf_hooks';
import {
  checkBackendName,
  type BackendName,
} from '../src/model/backend-names.js';
import type { ModelOptions } from '../src/model/options.js';
import type { TrainingResult } from '../src/model/train.js';
import type {
  BatchPrediction,
  Policy,
  PolicyReport,
  PrefetchSink,
  PrepareContext,
  RequestEvent,
} from '../src/policies/policy.js';
import type {
  PolicyEntry,
  RunSettings,
} from '../src/policies/registry-types.js';
import {
  LSTM_PARAMS,
  modelOptions,
  type InferenceEngineName,
} from './lstm-params.js';
import { LstmPredictor, PreparedModel } from './lstm-predictor.js';

/** Maximum number of single predictions timed for latency percentiles. */
export const SINGLE_PREDICTION_SAMPLES = 1000;

/** Milliseconds from an arbitrary origin; injected in tests. */
export type Clock = () => number;

/**
 * The policy adapter: owns a prepared model (shared with its forks), keeps
 * one prediction per scored request in scored order, and pushes them
 * during the replay.
 */
export class LstmPolicy implements Policy {
  readonly label: string;
  /** It pushes predictions made before the replay. */
  readonly ignoresOutcomes = true;
  readonly batch: BatchPrediction;
  readonly #params: Record<string, number | string>;
  readonly #settings: RunSettings;
  readonly #options: ModelOptions;
  readonly #confidence: number;
  readonly #inference: InferenceEngineName;
  readonly #retrainEvery: number;
  readonly #requestedBackend: BackendName | undefined;
  readonly #clock: Clock;
  /** Directory of a saved model to load instead of training, if any. */
  readonly #modelDir: string | undefined;
  #prepared: PreparedModel | undefined;
  /** Scored requests whose prediction this instance has passed. */
  #predictedCount = 0;

  constructor(
    label: string,
    params: Record<string, number | string>,
    settings: RunSettings,
    clock: Clock = () => performance.now(),
  ) {
    this.label = label;
    this.#params = params;
    this.#settings = settings;
    this.#modelDir = settings.modelDir;
    this.#options = modelOptions(params, settings.seed);
    this.#confidence = params.confidence as number;
    this.#inference = params.inference as InferenceEngineName;
    this.#retrainEvery = params['retrain-every'] as number;
    this.#requestedBackend = settings.backend === undefined
      ? undefined
      : checkBackendName(settings.backend);
    this.#clock = clock;
    const keysPerWindow = this.#options.target === 'delta'
      ? this.#options.window + 1
      : this.#options.window;
    this.batch = {
      historyWindow: keysPerWindow,
      predictBatch: (windows, count) => this.#predictBatch(windows, count),
    };
  }

  /**
   * Selects the backend, then loads the model from the model directory or
   * trains one on `context.training`, and starts its inference engine.
   */
  async prepare(context: PrepareContext): Promise<void> {
    this.#release();
    this.#predictedCount = 0;
    const predictor = new LstmPredictor({
      options: this.#options,
      inference: this.#inference,
      retrainEvery: this.#retrainEvery,
      requestedBackend: this.#requestedBackend,
      modelDir: this.#modelDir,
      clock: this.#clock,
      singlePredictionSamples: SINGLE_PREDICTION_SAMPLES,
    });
    this.#prepared = new PreparedModel(predictor);
    await predictor.prepare(context);
  }

  /**
   * Returns a policy for another replay of the same trace that shares this
   * one's trained model and predictions, so that a run over several
   * capacities trains once. Call `prepare` first.
   */
  fork(): LstmPolicy {
    const prepared = this.#requirePrepared('fork()');
    const fork = new LstmPolicy(this.label, this.#params, this.#settings, this.#clock);
    fork.#prepared = prepared.share();
    return fork;
  }

  /**
   * Saves the model that `prepare` trained or loaded to `directory`, in the
   * layout that `--model` reads.
   */
  async save(directory: string): Promise<void> {
    await this.#requirePrepared('save()').predictor.save(directory);
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    if (!request.isScored) return;
    const predictor = this.#prepared?.predictor;
    const scored = predictor === undefined ? -1 : request.index - predictor.scoredStart;
    if (predictor === undefined || scored < 0 || scored >= this.#predictedCount) {
      const first = predictor?.scoredStart ?? 0;
      throw new Error(
        `lstm: no prediction for request ${request.index}: predictBatch covered requests ${first} to ${first + this.#predictedCount - 1}; the engine must predict every scored request before the replay`,
      );
    }
    const keyId = predictor.predictedKeyIds[scored];
    const probability = predictor.probabilities[scored];
    if (keyId >= 0 && probability >= this.#confidence) {
      prefetch.push(keyId, probability);
    }
  }

  report(): PolicyReport {
    return this.#prepared?.predictor.report() ?? {};
  }

  /**
   * The prediction of each scored request so far, in scored order: key id
   * (-1 for none) and probability, whatever the confidence threshold. For
   * evaluations such as `simulate validate`.
   */
  predictions(): { keyIds: Int32Array; probabilities: Float32Array } {
    const predictor = this.#requirePrepared('predictions()').predictor;
    const count = this.#predictedCount;
    return {
      keyIds: predictor.predictedKeyIds.slice(0, count),
      probabilities: predictor.probabilities.slice(0, count),
    };
  }

  /** Facts of the last training run, or undefined when none ran. */
  training(): TrainingResult | undefined {
    return this.#prepared?.predictor.training;
  }

  dispose(): void {
    this.#release();
  }

  #release(): void {
    this.#prepared?.release();
    this.#prepared = undefined;
  }

  #requirePrepared(what: string): PreparedModel {
    if (this.#prepared === undefined) {
      throw new Error(`lstm: ${what} was called before prepare()`);
    }
    return this.#prepared;
  }

  /**
   * Predicts the windows of the next `count` scored requests. Calls arrive
   * in scored order, the first starting at the first scored request. A
   * fork reuses the predictions that its origin already made.
   */
  async #predictBatch(windows: Int32Array, count: number): Promise<void> {
    const predictor = this.#requirePrepared('predictBatch').predictor;
    const end = this.#predictedCount + count;
    if (end > predictor.predictedCount) {
      const fresh = end - predictor.predictedCount;
      const skip = count - fresh;
      const width = this.batch.historyWindow;
      await predictor.predict(windows.subarray(skip * width), fresh);
    }
    this.#predictedCount = end;
  }
}

export const lstm: PolicyEntry = {
  id: 'lstm',
  summary:
    'prefetches the next key predicted by an LSTM trained on the training part',
  params: LSTM_PARAMS,
  create: ({ params, label, settings }) =>
    new LstmPolicy(label, params, settings),
};
