import type * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors.js';
import { buildNetwork } from './network.js';
import type { ModelOptions } from './options.js';
import { predictTop, type TopPredictions } from './predict.js';
import { SeededRandom } from './random.js';
import { buildSamples } from './samples.js';
import { trainNetwork, type TrainingResult } from './train.js';
import { buildVocabulary, type Vocabulary } from './vocabulary.js';

/** Most likely next key of each window; key id -1 where that is OOV. */
export interface KeyPredictions {
  readonly keyIds: Int32Array;
  readonly probabilities: Float32Array;
}

/**
 * An LSTM that predicts the next key from the last `window` keys: the
 * vocabulary, the trained network and the facts of its training. Call
 * `dispose()` to free the network's tensors.
 */
export class NextKeyModel {
  readonly options: ModelOptions;
  readonly vocabulary: Vocabulary;
  readonly network: tf.LayersModel;
  readonly training: TrainingResult;
  /** Share of training requests whose key is outside the vocabulary. */
  readonly oovShare: number;

  /** Wraps trained parts; use `NextKeyModel.train` or `loadModel`. */
  constructor(
    options: ModelOptions,
    vocabulary: Vocabulary,
    network: tf.LayersModel,
    training: TrainingResult,
    oovShare: number,
  ) {
    this.options = options;
    this.vocabulary = vocabulary;
    this.network = network;
    this.training = training;
    this.oovShare = oovShare;
  }

  /**
   * Builds the vocabulary of `keyIds` and trains a fresh network on them.
   * `keySpace` bounds every key id that later windows may contain.
   * @throws TrainingError when there is no sample or training diverges.
   */
  static async train(
    keyIds: Uint32Array,
    keySpace: number,
    options: ModelOptions,
    log?: (message: string) => void,
  ): Promise<NextKeyModel> {
    const vocabulary = buildVocabulary(keyIds, options.vocab, keySpace);
    const tokens = vocabulary.tokenize(keyIds);
    const { window, maxTrainSamples } = options;
    const samples = buildSamples(tokens, window, maxTrainSamples);
    if (samples.count === 0) {
      throw new TrainingError(
        `lstm: the training part has ${keyIds.length} requests, too few for one sample with lstm.window=${window}; lower lstm.window or train on a longer part of the trace`,
      );
    }

    const seeds = new SeededRandom(options.seed);
    const network = buildNetwork({
      window: options.window,
      embedding: options.embedding,
      units: options.units,
      classes: vocabulary.size,
      seed: seeds.nextUint32(),
    });
    try {
      const training = await trainNetwork(network, samples, {
        ...options,
        evaluationBatchSize: options.predictBatchSize,
        shards: options.trainShards,
        seed: seeds.nextUint32(),
      }, log);
      const oovShare = countToken(tokens, vocabulary.oovToken) / tokens.length;
      return new NextKeyModel(options, vocabulary, network, training, oovShare);
    } catch (error) {
      network.dispose();
      throw error;
    }
  }

  /** Number of trainable and non-trainable weights of the network. */
  get parameterCount(): number {
    return this.network.countParams();
  }

  /** Size of the network's weights in bytes; every weight is 4 bytes. */
  get weightBytes(): number {
    const weights = this.network.getWeights();
    return weights.reduce((sum, weight) => sum + 4 * weight.size, 0);
  }

  /**
   * Predicts the next key of `count` windows of key ids, each
   * `options.window` long, oldest first, with -1 for padding, with tfjs.
   */
  predict(windows: Int32Array, count: number): KeyPredictions {
    const { window, predictBatchSize } = this.options;
    const tokens = this.tokenize(windows, count);
    const top = predictTop(
      this.network,
      tokens,
      count,
      window,
      predictBatchSize,
    );
    return this.keyIdsOf(top);
  }

  /** Tokens of the first `count` windows of key ids. */
  tokenize(windows: Int32Array, count: number): Int32Array {
    const keyIds = windows.subarray(0, count * this.options.window);
    return this.vocabulary.tokenize(keyIds);
  }

  /** Key ids of predicted tokens: -1 where the token is OOV. */
  keyIdsOf(top: TopPredictions): KeyPredictions {
    const predicted = new Int32Array(top.tokens.length);
    for (let i = 0; i < predicted.length; i++) {
      const token = top.tokens[i];
      predicted[i] = token === this.vocabulary.oovToken
        ? -1
        : this.vocabulary.keyIdOfToken[token];
    }
    return { keyIds: predicted, probabilities: top.probabilities };
  }

  /** Frees the network's weights; the model is unusable afterwards. */
  dispose(): void {
    this.network.dispose();
  }
}

function countToken(tokens: Int32Array, token: number): number {
  let count = 0;
  for (const value of tokens) if (value === token) count++;
  return count;
}
