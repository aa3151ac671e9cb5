/**
 * Sizes and training settings of the LSTM next-key model, with the defaults
 * that the `lstm` policy exposes as `--param lstm.NAME=value`.
 */
export interface ModelOptions {
  /**
   * Number of past keys the model reads: the current request's key and the
   * ones before it. Default `DEFAULT_WINDOW`.
   */
  readonly window: number;
  /** Width of the learnt key embedding. Default `DEFAULT_EMBEDDING`. */
  readonly embedding: number;
  /** Units of each of the two stacked LSTM layers. Default `DEFAULT_UNITS`. */
  readonly units: number;
  /**
   * Number of most frequent training keys that get their own output class.
   * Every other key maps to one out-of-vocabulary class, which is never
   * prefetched. The softmax is `vocab + 1` wide, so the output layer's cost
   * grows linearly with it. Default `DEFAULT_VOCAB`.
   */
  readonly vocab: number;
  /**
   * Maximum number of passes over the training samples. Default
   * `DEFAULT_EPOCHS`.
   */
  readonly epochs: number;
  /** Samples per gradient step. Default `DEFAULT_BATCH_SIZE`. */
  readonly batchSize: number;
  /** Adam step size. Default `DEFAULT_LEARNING_RATE`. */
  readonly learningRate: number;
  /**
   * Share of the training samples, taken from their end (the most recent
   * requests), held out to measure validation loss for early stopping. 0
   * turns validation and early stopping off. Default
   * `DEFAULT_VALIDATION_SPLIT`.
   */
  readonly validationSplit: number;
  /**
   * Epochs without a higher validation accuracy, and without a validation
   * loss at least `minDelta` below the lowest so far, before training
   * stops. The weights of the most accurate epoch (the lowest loss among
   * equals) are then restored. Default `DEFAULT_PATIENCE`.
   */
  readonly patience: number;
  /**
   * Minimum fall of validation loss, in nats per sample, that counts as an
   * improvement for `patience`. It stops training once the loss of a
   * learnt deterministic pattern only creeps towards zero. Default
   * `DEFAULT_MIN_DELTA`.
   */
  readonly minDelta: number;
  /**
   * Maximum number of training samples. A longer training part keeps only
   * its most recent samples. Training time grows linearly with this. Default
   * `DEFAULT_MAX_TRAIN_SAMPLES`.
   */
  readonly maxTrainSamples: number;
  /**
   * Windows per forward pass when predicting. Larger batches amortise
   * per-call overhead but need `predictBatchSize * (vocab + 1)` floats for
   * the softmax. Default `DEFAULT_PREDICT_BATCH_SIZE`.
   */
  readonly predictBatchSize: number;
  /**
   * Prediction target: `key`, the next key itself, or `delta`, the
   * difference between the next key and the current one, for traces whose
   * keys are integers (see `delta.ts`). Default `DEFAULT_TARGET`.
   */
  readonly target: ModelTarget;
  /**
   * Parts each training batch is cut into, whose gradients are computed at
   * once on worker threads (at most one per core). One seed gives one model
   * for a given number of shards, whatever the cores. 1 trains on one
   * thread. Default `DEFAULT_TRAIN_SHARDS`.
   */
  readonly trainShards: number;
  /** Seed of weight initialisation and sample shuffling. */
  readonly seed: number;
}

export const MODEL_TARGETS = ['key', 'delta'] as const;
export type ModelTarget = (typeof MODEL_TARGETS)[number];

export const DEFAULT_WINDOW = 10;
export const DEFAULT_EMBEDDING = 32;
export const DEFAULT_UNITS = 64;
export const DEFAULT_VOCAB = 1000;
/**
 * Training defaults, chosen on the bundled mixed trace (20,000 requests,
 * 0.2 for training) and on 1,000 samples of each generated pattern. With
 * 3 epochs at learning rate 0.003 the model reached a validation accuracy
 * of 0.10 on mixed. With these defaults, sequential and periodic reach 100%
 * in 12 to 32 epochs. Mixed stops after 14 epochs at 0.46 test accuracy,
 * because its validation accuracy stops rising once the random and
 * zipfian bursts are memorised.
 */
export const DEFAULT_EPOCHS = 50;
export const DEFAULT_BATCH_SIZE = 64;
export const DEFAULT_LEARNING_RATE = 0.01;
export const DEFAULT_VALIDATION_SPLIT = 0.1;
export const DEFAULT_PATIENCE = 3;
export const DEFAULT_MIN_DELTA = 0.001;
export const DEFAULT_MAX_TRAIN_SAMPLES = 50_000;
export const DEFAULT_PREDICT_BATCH_SIZE = 512;
export const DEFAULT_TARGET: ModelTarget = 'key';
export const DEFAULT_TRAIN_SHARDS = 1;

/** Returns every option at its default, with the given seed. */
export function defaultModelOptions(seed: number): ModelOptions {
  return {
    window: DEFAULT_WINDOW,
    embedding: DEFAULT_EMBEDDING,
    units: DEFAULT_UNITS,
    vocab: DEFAULT_VOCAB,
    epochs: DEFAULT_EPOCHS,
    batchSize: DEFAULT_BATCH_SIZE,
    learningRate: DEFAULT_LEARNING_RATE,
    validationSplit: DEFAULT_VALIDATION_SPLIT,
    patience: DEFAULT_PATIENCE,
    minDelta: DEFAULT_MIN_DELTA,
    maxTrainSamples: DEFAULT_MAX_TRAIN_SAMPLES,
    predictBatchSize: DEFAULT_PREDICT_BATCH_SIZE,
    target: DEFAULT_TARGET,
    trainShards: DEFAULT_TRAIN_SHARDS,
    seed,
  };
}

/**
 * The LSTM's gate activation. Keras, PyTorch and the LSTM papers use the
 * logistic sigmoid; tfjs-layers 4.22 defaults to a piecewise-linear
 * `hardSigmoid`, whose gradient is zero outside [-2.5, 2.5]. Sigmoid keeps
 * gradients flowing through saturated gates and makes this model match what
 * readers of the other frameworks expect, at the cost of one `exp` per gate.
 */
export const RECURRENT_ACTIVATION = 'sigmoid';
