/**
 * The state that the `lstm` policy prepares once and its forks share: the trained or
 * loaded model, its inference engine, the delta encoding in delta mode,
 * and one prediction per scored request with the costs of making them.
 */
import type { BackendName } from '../src/model/backend-names.js';
import type { DeltaEncoding } from '../src/model/delta.js';
import type { NextKeyModel, KeyPredictions } from '../src/model/next-key-model.js';
import type { OnnxEngine } from '../src/model/onnx-engine.js';
import type { ModelOptions } from '../src/model/options.js';
import type { TopPredictions } from '../src/model/predict.js';
import type { TrainingResult } from '../src/model/train.js';
import { BadParameterError } from '../src/errors.js';
import { RECURRENT_ACTIVATION } from '../src/model/options.js';
import type {
  KeyDictionary,
  PolicyReport,
  PrepareContext,
} from '../src/policies/policy.js';
import type { InferenceEngineName } from './lstm-params.js';

/** Settings of one predictor, from the policy's parameters. */
export interface PredictorSettings {
  readonly options: ModelOptions;
  readonly inference: InferenceEngineName;
  /** Scored requests between retrainings; 0 trains once. */
  readonly retrainEvery: number;
  readonly requestedBackend: BackendName | undefined;
  readonly modelDir: string | undefined;
  readonly clock: () => number;
  readonly singlePredictionSamples: number;
}

export class LstmPredictor {
  /** Trace index of the first scored request: the training part's length. */
  scoredStart = 0;
  /** Predicted key id (-1 for none) of each scored request, in order. */
  predictedKeyIds = new Int32Array(0);
  probabilities = new Float32Array(0);
  predictedCount = 0;
  readonly #settings: PredictorSettings;
  #backend = '';
  #model: NextKeyModel | undefined;
  #engine: OnnxEngine | undefined;
  /** Engine that predicts, and the reason for tfjs when ONNX was requested. */
  #inferenceNote = '';
  #encoding: DeltaEncoding | undefined;
  #dictionary: KeyDictionary | undefined;
  /** Reason no model was trained, when the training part was too short. */
  #untrainedReason: string | undefined;
  /** Key text of each training key id, for saving the vocabulary. */
  #keys: readonly string[] = [];
  /** Key ids of every request seen so far, for retraining. */
  #history = new Uint32Array(0);
  #historyLength = 0;
  #retrains = 0;
  /** Number of distinct keys in the trace; every key id is below it. */
  #keySpace = 0;
  #log: (message: string) => void = () => {};
  #trainingMs = 0;
  #loadMs: number | undefined;
  #batchedMs = 0;
  readonly #singleMs: Float64Array;
  #singleCount = 0;
  /** Delta predictions whose key the trace does not contain. */
  #missingKeys = 0;

  constructor(settings: PredictorSettings) {
    this.#settings = settings;
    this.#singleMs = new Float64Array(settings.singlePredictionSamples);
  }

  /** Key ids each window holds: one more than `window` for deltas. */
  get #keysPerWindow(): number {
    const { window, target } = this.#settings.options;
    return target === 'delta' ? window + 1 : window;
  }

  /**
   * Selects the backend, loads or trains the model on `context.training`
   * and starts the inference engine.
   */
  async prepare(context: PrepareContext): Promise<void> {
    const { selectBackend } = await import('../src/model/backend.js');
    this.#backend = await selectBackend(this.#settings.requestedBackend);
    this.#log = context.log;
    this.#dictionary = context.dictionary;
    this.scoredStart = context.training.length;
    this.#keys = context.training.keys;
    this.#keySpace = context.training.keySpace;
    this.#history = context.training.keyIds.slice();
    this.#historyLength = this.#history.length;
    if (this.#settings.options.target === 'delta') {
      const { DeltaEncoding } = await import('../src/model/delta.js');
      const dictionary = context.dictionary;
      this.#encoding = new DeltaEncoding(dictionary.size, (id) => dictionary.textOf(id));
    }

    const started = this.#settings.clock();
    if (this.#settings.modelDir !== undefined) {
      this.#model = await this.#load(this.#settings.modelDir);
      this.#loadMs = this.#settings.clock() - started;
    } else {
      this.#model = await this.#train(this.#history);
      this.#trainingMs = this.#settings.clock() - started;
    }
    await this.#startEngine();
  }

  /**
   * Predicts the windows of the next `count` scored requests and appends
   * the predictions. With `retrainEvery`, the model is retrained first at
   * each multiple of it, on requests before that point only.
   */
  async predict(windows: Int32Array, count: number): Promise<void> {
    const width = this.#keysPerWindow;
    this.#reserve(this.predictedCount + count);
    let done = 0;
    while (done < count) {
      await this.#retrainIfDue();
      const untilRetrain = this.#settings.retrainEvery > 0
        ? this.#settings.retrainEvery - (this.predictedCount % this.#settings.retrainEvery)
        : count;
      const size = Math.min(count - done, untilRetrain);
      const part = windows.subarray(done * width, (done + size) * width);
      this.#remember(part, size);
      await this.#predictPart(part, size);
      done += size;
    }
  }

  /** Facts of the current model's training, or undefined without one. */
  get training(): TrainingResult | undefined {
    return this.#model?.training;
  }

  /** Saves the model in the layout that `--model` reads. */
  async save(directory: string): Promise<void> {
    if (this.#model === undefined) {
      throw new Error(`lstm: there is no model to save: ${this.#untrainedReason ?? 'prepare() has not run'}`);
    }
    const { saveModel } = await import('../src/model/storage.js');
    const keys = this.#encoding === undefined
      ? this.#keys
      : this.#encoding.deltas.map(String);
    await saveModel(this.#model, directory, keys);
  }

  report(): PolicyReport {
    const model = this.#model;
    const count = this.predictedCount;
    const notes: Record<string, string | number> = {
      backend: this.#backend,
      inference: this.#inferenceNote,
      target: this.#settings.options.target,
    };
    if (this.#untrainedReason !== undefined) notes.model = this.#untrainedReason;
    const report: PolicyReport = {
      singlePredictionMs: this.#singleMs.slice(0, this.#singleCount),
      backend: this.#backend,
      notes,
    };
    if (this.#loadMs === undefined) {
      report.trainingMs = this.#trainingMs;
    } else {
      notes.modelDir = this.#settings.modelDir as string;
      notes.modelLoadMs = rounded(this.#loadMs);
    }
    if (count > 0) {
      report.predictionMsPerRequest = this.#batchedMs / count;
      report.batchedPredictionsPerSecond = count / (this.#batchedMs / 1000);
    }
    if (this.#encoding !== undefined) notes.deltaKeysNotInTrace = this.#missingKeys;
    if (this.#settings.retrainEvery > 0) notes.retrains = this.#retrains;
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
    void this.#engine?.dispose();
    this.#engine = undefined;
  }

  /** Trains a fresh model on the last requests of `keyIds`, or none. */
  async #train(keyIds: Uint32Array): Promise<NextKeyModel | undefined> {
    if (keyIds.length <= this.#keysPerWindow) {
      // Too short a training part for even one sample: the policy then
      // never prefetches, and the report says why, rather than the run
      // failing on a short or empty trace.
      this.#untrainedReason = `not trained: the training part has ${keyIds.length} requests, and one sample needs ${this.#keysPerWindow + 1}`;
      this.#log(`lstm: ${this.#untrainedReason}`);
      return undefined;
    }
    this.#untrainedReason = undefined;
    this.#log(`lstm: training on the ${this.#backend} backend`);
    const { NextKeyModel } = await import('../src/model/next-key-model.js');
    const { maxTrainSamples } = this.#settings.options;
    // One extra key per sample in delta mode: n keys give n - 1 deltas.
    const recent = keyIds.subarray(
      Math.max(0, keyIds.length - maxTrainSamples - this.#keysPerWindow),
    );
    if (this.#encoding !== undefined) {
      const deltaIds = this.#encoding.encodeSequence(recent);
      const deltas = this.#encoding.size;
      return NextKeyModel.train(deltaIds, deltas, this.#settings.options, this.#log);
    }
    return NextKeyModel.train(recent, this.#keySpace, this.#settings.options, this.#log);
  }

  /** Loads a saved model whose window and target match the parameters. */
  async #load(directory: string): Promise<NextKeyModel> {
    const { loadModel } = await import('../src/model/storage.js');
    this.#log(`lstm: loading the model in ${directory} on the ${this.#backend} backend`);
    const encoding = this.#encoding;
    const keys = encoding === undefined
      ? this.#keys
      : (vocabularyKeys: readonly string[]) => {
        encoding.addDeltas(vocabularyKeys.map(Number));
        return encoding.deltas.map(String);
      };
    const model = await loadModel(directory, keys, {
      predictBatchSize: this.#settings.options.predictBatchSize,
    });
    const expected = this.#settings.options;
    if (model.options.window !== expected.window || model.options.target !== expected.target) {
      const saved = `lstm.window=${model.options.window} --param lstm.target=${model.options.target}`;
      model.dispose();
      throw new BadParameterError(
        `--param lstm.window, lstm.target: the model in ${directory} reads windows of ${model.options.window} keys and predicts ${model.options.target}s, not ${expected.window} and ${expected.target}s; pass --param ${saved} or leave --model unset`,
      );
    }
    return model;
  }

  /** Starts ONNX Runtime for the current model, or notes why not. */
  async #startEngine(): Promise<void> {
    await this.#engine?.dispose();
    this.#engine = undefined;
    if (this.#model === undefined) {
      this.#inferenceNote = 'none';
      return;
    }
    if (this.#settings.inference === 'tfjs') {
      this.#inferenceNote = `tfjs on ${this.#backend}`;
      return;
    }
    const { OnnxEngine } = await import('../src/model/onnx-engine.js');
    const engine = await OnnxEngine.create(this.#model.network);
    if (typeof engine === 'string') {
      this.#inferenceNote = `tfjs on ${this.#backend}, because ${engine}`;
      this.#log(`lstm: predicting with tfjs: ${engine}`);
      return;
    }
    this.#engine = engine;
    this.#inferenceNote = `onnxruntime-node ${engine.version}, batches on ${engine.workers} worker threads`;
  }

  async #retrainIfDue(): Promise<void> {
    const every = this.#settings.retrainEvery;
    if (every === 0 || this.predictedCount === 0 || this.predictedCount % every !== 0) {
      return;
    }
    // The history contains requests up to the last one predicted, all before
    // the request whose window comes next.
    const past = this.#history.subarray(0, this.#historyLength);
    this.#log(`lstm: retraining on the requests before request ${this.scoredStart + this.predictedCount}`);
    const started = this.#settings.clock();
    const model = await this.#train(past);
    this.#model?.dispose();
    this.#model = model;
    this.#trainingMs += this.#settings.clock() - started;
    this.#retrains++;
    await this.#startEngine();
  }

  /** Appends the key of each window's own request to the history. */
  #remember(windows: Int32Array, count: number): void {
    if (this.#settings.retrainEvery === 0) return;
    const width = this.#keysPerWindow;
    const needed = this.#historyLength + count;
    if (needed > this.#history.length) {
      const grown = new Uint32Array(Math.max(needed, 2 * this.#history.length));
      grown.set(this.#history.subarray(0, this.#historyLength));
      this.#history = grown;
    }
    for (let i = 0; i < count; i++) {
      this.#history[this.#historyLength++] = windows[(i + 1) * width - 1];
    }
  }

  async #predictPart(windows: Int32Array, count: number): Promise<void> {
    const model = this.#model;
    const at = this.predictedCount;
    if (model === undefined) {
      this.predictedKeyIds.fill(-1, at, at + count);
      this.predictedCount += count;
      return;
    }
    await this.#timeSinglePredictions(model, windows, count);

    const started = this.#settings.clock();
    const predictions = await this.#predictWindows(model, windows, count);
    this.#batchedMs += this.#settings.clock() - started;

    this.predictedKeyIds.set(predictions.keyIds, at);
    this.probabilities.set(predictions.probabilities, at);
    this.predictedCount += count;
  }

  /** Encodes, predicts and decodes `count` windows of key ids. */
  async #predictWindows(
    model: NextKeyModel,
    windows: Int32Array,
    count: number,
  ): Promise<KeyPredictions> {
    const { window, predictBatchSize } = model.options;
    const input = this.#encoding === undefined
      ? windows
      : this.#encoding.encodeWindows(windows, count, window);
    const tokens = model.tokenize(input, count);
    let top: TopPredictions;
    if (this.#engine === undefined) {
      const { predictTop } = await import('../src/model/predict.js');
      top = predictTop(model.network, tokens, count, window, predictBatchSize);
    } else if (count === 1) {
      top = await this.#engine.predictOne(tokens);
    } else {
      top = await this.#engine.predictMany(tokens, count, predictBatchSize);
    }
    const predicted = model.keyIdsOf(top);
    if (this.#encoding !== undefined) this.#deltasToKeys(predicted, windows);
    return predicted;
  }

  /** Replaces each predicted delta id by the key id it leads to, or -1. */
  #deltasToKeys(predicted: KeyPredictions, windows: Int32Array): void {
    const encoding = this.#encoding as DeltaEncoding;
    const idOf = (text: string) => this.#dictionary?.idOf(text);
    const width = this.#keysPerWindow;
    const keyIds = predicted.keyIds;
    for (let i = 0; i < keyIds.length; i++) {
      if (keyIds[i] < 0) continue;
      const current = windows[(i + 1) * width - 1];
      keyIds[i] = encoding.predictedKeyId(current, keyIds[i], idOf);
      if (keyIds[i] < 0) this.#missingKeys++;
    }
  }

  /**
   * Times one-window predictions, encoding and decoding included, on the
   * first scored windows, as a prefetcher without batching would run them.
   * One untimed call first keeps one-off setup out of the percentiles.
   */
  async #timeSinglePredictions(
    model: NextKeyModel,
    windows: Int32Array,
    count: number,
  ): Promise<void> {
    const width = this.#keysPerWindow;
    const remaining = this.#singleMs.length - this.#singleCount;
    const timed = Math.min(count, remaining);
    if (timed > 0 && this.#singleCount === 0) {
      await this.#predictWindows(model, windows.slice(0, width), 1);
    }
    const missingBefore = this.#missingKeys;
    for (let i = 0; i < timed; i++) {
      const single = windows.slice(i * width, (i + 1) * width);
      const started = this.#settings.clock();
      await this.#predictWindows(model, single, 1);
      this.#singleMs[this.#singleCount++] = this.#settings.clock() - started;
    }
    this.#missingKeys = missingBefore;
  }

  /** Grows the prediction arrays to hold at least `size` entries. */
  #reserve(size: number): void {
    if (size <= this.predictedKeyIds.length) return;
    const capacity = Math.max(size, this.predictedKeyIds.length * 2);
    const keyIds = new Int32Array(capacity);
    keyIds.set(this.predictedKeyIds.subarray(0, this.predictedCount));
    const probabilities = new Float32Array(capacity);
    probabilities.set(this.probabilities.subarray(0, this.predictedCount));
    this.predictedKeyIds = keyIds;
    this.probabilities = probabilities;
  }
}

/**
 * A predictor shared by a policy and its forks; the last one to release it
 * disposes it.
 */
export class PreparedModel {
  readonly predictor: LstmPredictor;
  readonly #owners: { count: number };

  constructor(predictor: LstmPredictor, owners = { count: 1 }) {
    this.predictor = predictor;
    this.#owners = owners;
  }

  /** Another handle on the same predictor. */
  share(): PreparedModel {
    this.#owners.count++;
    return new PreparedModel(this.predictor, this.#owners);
  }

  release(): void {
    this.#owners.count--;
    if (this.#owners.count === 0) this.predictor.dispose();
  }
}

function modelNotes(model: NextKeyModel): Record<string, string | number> {
  const { training } = model;
  const best = training.bestEpoch - 1;
  const notes: Record<string, string | number> = {
    gateActivation: RECURRENT_ACTIVATION,
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
