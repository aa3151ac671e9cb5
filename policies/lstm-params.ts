/**
 * Parameters of the `lstm` policy: `--param lstm.NAME=value`. Kept apart
 * from the policy so that the table reads as one list.
 */
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_EMBEDDING,
  DEFAULT_EPOCHS,
  DEFAULT_LEARNING_RATE,
  DEFAULT_MAX_TRAIN_SAMPLES,
  DEFAULT_MIN_DELTA,
  DEFAULT_PATIENCE,
  DEFAULT_PREDICT_BATCH_SIZE,
  DEFAULT_TARGET,
  DEFAULT_TRAIN_SHARDS,
  DEFAULT_UNITS,
  DEFAULT_VALIDATION_SPLIT,
  DEFAULT_VOCAB,
  DEFAULT_WINDOW,
  MODEL_TARGETS,
  type ModelOptions,
} from '../src/model/options.js';
import type { ParamSpec, ParamValues } from '../src/policies/params.js';

/** Engines that can run the trained network's predictions. */
export const INFERENCE_ENGINES = ['onnx', 'tfjs'] as const;
export type InferenceEngineName = (typeof INFERENCE_ENGINES)[number];

const DEFAULT_CONFIDENCE = 0.6;

/** Maps the policy's parameters onto the model's options. */
export function modelOptions(params: ParamValues, seed: number): ModelOptions {
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
    target: params.target as ModelOptions['target'],
    trainShards: params['train-shards'] as number,
    seed,
  };
}

export const LSTM_PARAMS: readonly ParamSpec[] = [
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
    description: 'epochs without a higher validation accuracy or a lower validation loss (by min-delta) before training stops',
  },
  {
    name: 'min-delta',
    type: 'number',
    default: DEFAULT_MIN_DELTA,
    min: 0,
    unit: 'nats',
    description: 'minimum fall of the validation loss that counts as an improvement for patience',
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
    name: 'target',
    type: 'string',
    default: DEFAULT_TARGET,
    choices: MODEL_TARGETS,
    description: 'what the model predicts: the next key, or its difference to the current key for integer keys',
  },
  {
    name: 'inference',
    type: 'string',
    default: 'onnx',
    choices: INFERENCE_ENGINES,
    description: 'engine for predictions: ONNX Runtime (tfjs when it does not load) or tfjs',
  },
  {
    name: 'retrain-every',
    type: 'integer',
    default: 0,
    min: 0,
    unit: 'requests',
    description: 'retrain on the most recent past requests every N scored requests; 0 trains once',
  },
  {
    name: 'train-shards',
    type: 'integer',
    default: DEFAULT_TRAIN_SHARDS,
    min: 1,
    max: 64,
    unit: 'parts',
    description: 'parts each batch is cut into for data-parallel training on worker threads; 1 trains on one thread',
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

