/**
 * LSTM prefetcher: a neural next-key predictor trained on the training part.
 *
 * 1. Build a vocabulary of the `vocab` most frequent keys of the training
 *    part; all other keys share one out-of-vocabulary (OOV) class.
 * 2. Train embedding → LSTM → LSTM → dense softmax to predict the key
 *    after each window of `window` keys, holding out the most recent
 *    `validation-split` of the samples for early stopping.
 * 3. Before the replay, predict the next key of every scored request from
 *    the window ending at that request, in batches.
 * 4. After each scored request, prefetch its predicted key when that key is
 *    in the vocabulary and its probability is at least `confidence`.
 *
 * With `--model-dir`, a model that `save()` wrote replaces steps 1 and 2.
 *
 * Reference: Hashemi et al., "Learning Memory Access Patterns", ICML 2018,
 * which predicts the next memory access with an LSTM over a vocabulary of
 * frequent address deltas. Deviations: this model predicts keys, not deltas,
 * because cache keys need not be numeric. It is trained once, offline, on
 * the training part and is not updated during the replay.
 */
import { performance } from 'node:perf_hooks';
import { BadParameterError } from '../src/errors.js';
import {
  checkBackendName,
  type BackendName,
} from '../src/model/backend-names.js';
import type { NextKeyModel } from '../src/model/next-key-model.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_EMBEDDING,
  DEFAULT_EPOCHS,
  DEFAULT_LEARNING_RATE,
  DEFAULT_MAX_TRAIN_SAMPLES,
  DEFAULT_MIN_DELTA,
  DEFAULT_PATIENCE,
  DEFAULT_PREDICT_BATCH_SIZE,
  DEFAULT_UNITS,
  DEFAULT_VALIDATION_SPLIT,
  DEFAULT_VOCAB,
  DEFAULT_WINDOW,
  type ModelOptions,
} from '../src/model/options.js';
import type { ParamSpec, ParamValues } from '../src/policies/params.js';
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

/** Maximum number of single predictions timed for latency percentiles. */
export const SINGLE_PREDICTION_SAMPLES = 1000;

const DEFAULT_CONFIDENCE = 0.6;

/** Milliseconds from an arbitrary origin; injected in tests. */
export type Clock = () => number;

/**
 * The policy adapter: owns a `NextKeyModel`, stores one prediction per
 * scored request in scored order, and pushes them during the replay.
 */
export class LstmPolicy implements Policy {
  readonly label: string;
  readonly batch: BatchPrediction;
  readonly #options: ModelOptions;
  readonly #confidence: number;
  readonly #requestedBackend: BackendName | undefined;
  readonly #clock: Clock;
  /** Directory of a saved model to load instead of training, if any. */
  readonly #modelDir: string | undefined;
  #model: NextKeyModel | undefined;
  /** Why no model was trained, when the training part was too short. */
  #untrainedReason: string | undefined;
  /** Key text of each key id, for saving the vocabulary. */
  #keys: readonly string[] = [];
  #loadMs: number | undefined;
  #backend = '';
  /** Trace index of the first scored request: the training part's length. */
  #scoredStart = 0;
  /** Predicted key id (-1 for OOV) of each scored request, in scored order. */
  #predictedKeyIds = new Int32Array(0);
  #probabilities = new Float32Array(0);
  #predictedCount = 0;
  #trainingMs = 0;
  #batchedMs = 0;
  readonly #singleMs = new Float64Array(SINGLE_PREDICTION_SAMPLES);
  #singleCount = 0;

  constructor(
    label: string,
    params: ParamValues,
    settings: RunSettings,
    clock: Clock = () => performance.now(),
  ) {
    this.label = label;
    this.#modelDir = settings.modelDir;
    this.#options = modelOptions(params, settings.seed);
    this.#confidence = params.confidence as number;
    this.#requestedBackend = settings.backend === undefined
      ? undefined
      : checkBackendName(settings.backend);
    this.#clock = clock;
    this.batch = {
      historyWindow: this.#options.window,
      predictBatch: (windows, count) => this.#predictBatch(windows, count),
    };
  }

  /**
   * Selects the backend, then loads the model from the model directory or
   * trains one on `context.training`.
   */
  async prepare(context: PrepareContext): Promise<void> {
    // Loaded here so that runs without lstm do not load TensorFlow.js.
    const { selectBackend } = await import('../src/model/backend.js');
    this.#backend = await selectBackend(this.#requestedBackend);
    this.#model?.dispose();
    this.#model = undefined;
    this.#untrainedReason = undefined;
    this.#scoredStart = context.training.length;
    this.#predictedCount = 0;
    this.#keys = context.training.keys;

    const started = this.#clock();
    if (this.#modelDir !== undefined) {
      this.#model = await this.#load(this.#modelDir, context);
      this.#loadMs = this.#clock() - started;
      return;
    }
    if (context.training.length <= this.#options.window) {
      // Too short a training part for even one sample: the policy then
      // never prefetches, and the report says why, rather than the run
      // failing on a short or empty trace.
      this.#untrainedReason = `not trained: the training part has ${context.training.length} requests, and one sample needs lstm.window + 1 = ${this.#options.window + 1}`;
      context.log(`lstm: ${this.#untrainedReason}`);
      return;
    }
    context.log(`lstm: training on the ${this.#backend} backend`);
    const { NextKeyModel } = await import('../src/model/next-key-model.js');
    this.#model = await NextKeyModel.train(
      context.training.keyIds,
      context.training.keySpace,
      this.#options,
      context.log,
    );
    this.#trainingMs = this.#clock() - started;
  }

  /**
   * Saves the model that `prepare` trained or loaded to `directory`, in the
   * layout that `--model-dir` reads.
   */
  async save(directory: string): Promise<void> {
    if (this.#model === undefined) {
      throw new Error('lstm: save() was called before prepare() built the model');
    }
    const { saveModel } = await import('../src/model/storage.js');
    await saveModel(this.#model, directory, this.#keys);
  }

  onRequest(request: RequestEvent, prefetch: PrefetchSink): void {
    if (!request.isScored) return;
    const scored = request.index - this.#scoredStart;
    if (scored < 0 || scored >= this.#predictedCount) {
      throw new Error(
        `lstm: no prediction for request ${request.index}: predictBatch covered requests ${this.#scoredStart} to ${this.#scoredStart + this.#predictedCount - 1}; the engine must predict every scored request before the replay`,
      );
    }
    const keyId = this.#predictedKeyIds[scored];
    const probability = this.#probabilities[scored];
    if (keyId >= 0 && probability >= this.#confidence) {
      prefetch.push(keyId, probability);
    }
  }

  report(): PolicyReport {
    const model = this.#model;
    const count = this.#predictedCount;
    const notes: Record<string, string | number> = { backend: this.#backend };
    if (this.#untrainedReason !== undefined) notes.model = this.#untrainedReason;
    const report: PolicyReport = {
      singlePredictionMs: this.#singleMs.slice(0, this.#singleCount),
      backend: this.#backend,
      notes,
    };
    if (this.#loadMs === undefined) {
      report.trainingMs = this.#trainingMs;
    } else {
      notes.modelDir = this.#modelDir as string;
      notes.modelLoadMs = rounded(this.#loadMs);
    }
    if (count > 0) {
      report.predictionMsPerRequest = this.#batchedMs / count;
      report.batchedPredictionsPerSecond = count / (this.#batchedMs / 1000);
    }
    if (model !== undefined) {
      report.modelParameters = model.parameterCount;
      report.modelBytes = model.weightBytes;
      Object.assign(notes, modelNotes(model));
    }
    return report;
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }

  /** Loads a saved model whose window matches `lstm.window`. */
  async #load(
    directory: string,
    context: PrepareContext,
  ): Promise<NextKeyModel> {
    const { loadModel } = await import('../src/model/storage.js');
    context.log(`lstm: loading the model in ${directory} on the ${this.#backend} backend`);
    const model = await loadModel(directory, context.training.keys, {
      predictBatchSize: this.#options.predictBatchSize,
    });
    if (model.options.window !== this.#options.window) {
      model.dispose();
      throw new BadParameterError(
        `--param lstm.window: the model in ${directory} reads windows of ${model.options.window} keys, not ${this.#options.window}; pass --param lstm.window=${model.options.window} or leave --model-dir unset`,
      );
    }
    return model;
  }

  /**
   * Predicts the windows of the next `count` scored requests. Calls arrive
   * in scored order, the first starting at the first scored request.
   */
  async #predictBatch(windows: Int32Array, count: number): Promise<void> {
    const model = this.#model;
    if (model === undefined && this.#untrainedReason !== undefined) {
      this.#reserve(this.#predictedCount + count);
      this.#predictedKeyIds.fill(-1, this.#predictedCount, this.#predictedCount + count);
      this.#predictedCount += count;
      return;
    }
    if (model === undefined) {
      throw new Error(
        'lstm: predictBatch was called before prepare() trained the model',
      );
    }
    this.#timeSinglePredictions(model, windows, count);

    const started = this.#clock();
    const predictions = model.predict(windows, count);
    this.#batchedMs += this.#clock() - started;

    this.#reserve(this.#predictedCount + count);
    this.#predictedKeyIds.set(predictions.keyIds, this.#predictedCount);
    this.#probabilities.set(predictions.probabilities, this.#predictedCount);
    this.#predictedCount += count;
  }

  /**
   * Times one-window predictions on the first `SINGLE_PREDICTION_SAMPLES`
   * scored windows, as a prefetcher without batching would run them. One
   * untimed call first keeps one-off setup (kernel and buffer creation for
   * the batch-of-one shapes) out of the percentiles.
   */
  #timeSinglePredictions(
    model: NextKeyModel,
    windows: Int32Array,
    count: number,
  ): void {
    const window = this.#options.window;
    const remaining = SINGLE_PREDICTION_SAMPLES - this.#singleCount;
    const timed = Math.min(count, remaining);
    if (timed > 0 && this.#singleCount === 0) model.predict(windows, 1);
    for (let i = 0; i < timed; i++) {
      const singleWindow = windows.subarray(i * window, (i + 1) * window);
      const started = this.#clock();
      model.predict(singleWindow, 1);
      this.#singleMs[this.#singleCount++] = this.#clock() - started;
    }
  }

  /** Grows the prediction arrays to hold at least `size` entries. */
  #reserve(size: number): void {
    if (size <= this.#predictedKeyIds.length) return;
    const capacity = Math.max(size, this.#predictedKeyIds.length * 2);
    const keyIds = new Int32Array(capacity);
    keyIds.set(this.#predictedKeyIds.subarray(0, this.#predictedCount));
    const probabilities = new Float32Array(capacity);
    probabilities.set(this.#probabilities.subarray(0, this.#predictedCount));
    this.#predictedKeyIds = keyIds;
    this.#probabilities = probabilities;
  }
}

function modelNotes(model: NextKeyModel): Record<string, string | number> {
  const { training } = model;
  const best = training.bestEpoch - 1;
  const notes: Record<string, string | number> = {
    parameters: model.parameterCount,
    vocabularyKeys: model.vocabulary.keyIdOfToken.length,
    oovShareOfTraining: rounded(model.oovShare),
    trainSamples: training.trainSamples,
    validationSamples: training.validationSamples,
    epochsRun: training.epochsRun,
    bestEpoch: training.bestEpoch,
    trainingLoss: rounded(training.trainingLoss[best]),
  };
  if (training.validationLoss.length > 0) {
    notes.validationLoss = rounded(training.validationLoss[best]);
    notes.validationAccuracy = rounded(training.validationAccuracy[best]);
  }
  return notes;
}

/** Rounds to 4 decimals, so that reports stay short and reproducible. */
function rounded(value: number): number {
  return Number(value.toFixed(4));
}

/** Maps the policy's parameters onto the model's options. */
function modelOptions(params: ParamValues, seed: number): ModelOptions {
  return {
    window: params.window as number,
    embedding: params.embedding as number,
    units: params.units as number,
    vocab: params.vocab as number,
    epochs: params.epochs as number,
    batchSize: params['batch-size'] as number,
    learningRate: params['learning-rate'] as number,
    validationSplit: params['validation-split'] as number,
    patience: params.patience as number,
    minDelta: params['min-delta'] as number,
    maxTrainSamples: params['max-train-samples'] as number,
    predictBatchSize: params['predict-batch-size'] as number,
    seed,
  };
}

const PARAMS: readonly ParamSpec[] = [
  {
    name: 'window',
    type: 'integer',
    default: DEFAULT_WINDOW,
    min: 1,
    max: 1000,
    unit: 'keys',
    description: 'past keys the model reads, the current one included',
  },
  {
    name: 'embedding',
    type: 'integer',
    default: DEFAULT_EMBEDDING,
    min: 1,
    max: 4096,
    description: 'width of the key embedding',
  },
  {
    name: 'units',
    type: 'integer',
    default: DEFAULT_UNITS,
    min: 1,
    max: 4096,
    description: 'units of each of the two LSTM layers',
  },
  {
    name: 'vocab',
    type: 'integer',
    default: DEFAULT_VOCAB,
    min: 1,
    max: 1_000_000,
    unit: 'keys',
    description: 'most frequent training keys the model can predict; the rest share one class that is never prefetched',
  },
  {
    name: 'epochs',
    type: 'integer',
    default: DEFAULT_EPOCHS,
    min: 1,
    max: 10_000,
    description: 'maximum passes over the training samples',
  },
  {
    name: 'batch-size',
    type: 'integer',
    default: DEFAULT_BATCH_SIZE,
    min: 1,
    max: 65_536,
    unit: 'samples',
    description: 'samples per gradient step',
  },
  {
    name: 'learning-rate',
    type: 'number',
    default: DEFAULT_LEARNING_RATE,
    min: Number.MIN_VALUE,
    description: 'Adam step size',
  },
  {
    name: 'confidence',
    type: 'number',
    default: DEFAULT_CONFIDENCE,
    min: 0,
    max: 1,
    unit: 'probability',
    description: 'minimum softmax probability of the predicted key for a prefetch',
  },
  {
    name: 'validation-split',
    type: 'number',
    default: DEFAULT_VALIDATION_SPLIT,
    min: 0,
    max: 0.9,
    unit: 'share',
    description: 'most recent share of training samples held out for early stopping; 0 turns it off',
  },
  {
    name: 'patience',
    type: 'integer',
    default: DEFAULT_PATIENCE,
    min: 1,
    max: 10_000,
    unit: 'epochs',
    description: 'epochs without a lower validation loss before training stops',
  },
  {
    name: 'min-delta',
    type: 'number',
    default: DEFAULT_MIN_DELTA,
    min: 0,
    unit: 'nats',
    description: 'least fall of the validation loss that counts as lower for patience',
  },
  {
    name: 'max-train-samples',
    type: 'integer',
    default: DEFAULT_MAX_TRAIN_SAMPLES,
    min: 1,
    unit: 'samples',
    description: 'maximum training samples; the most recent are kept, which bounds training time',
  },
  {
    name: 'predict-batch-size',
    type: 'integer',
    default: DEFAULT_PREDICT_BATCH_SIZE,
    min: 1,
    max: 65_536,
    unit: 'windows',
    description: 'windows per forward pass when predicting',
  },
];

export const lstm: PolicyEntry = {
  id: 'lstm',
  summary:
    'prefetches the next key predicted by an LSTM trained on the training part',
  params: PARAMS,
  create: ({ params, label, settings }) =>
    new LstmPolicy(label, params, settings),
};
