import * as tf from '@tensorflow/tfjs';
import { RECURRENT_ACTIVATION } from './options.js';
import { SeededRandom } from './random.js';

/** Shape of the network; see `ModelOptions` for each size's meaning. */
export interface NetworkShape {
  readonly window: number;
  readonly embedding: number;
  readonly units: number;
  /** Output classes: in-vocabulary keys plus the OOV token. */
  readonly classes: number;
  readonly seed: number;
}

export { RECURRENT_ACTIVATION } from './options.js';

/**
 * Builds the next-key network: token embedding, two stacked LSTM layers and a
 * dense layer with one logit per class. Softmax is applied outside the
 * network (in `softmaxCrossEntropy` when training and in prediction), which
 * is the same function as a softmax layer but numerically safer in the loss.
 *
 * Every initialiser is seeded from `shape.seed`, so one seed gives one set
 * of initial weights. Recurrent kernels use Glorot-uniform instead of the
 * Keras default (orthogonal): tfjs 4.22 computes the orthogonal matrix by a
 * QR decomposition in JavaScript and warns on stderr above 2,000 elements,
 * and the recurrence here is only `window` steps long.
 */
export function buildNetwork(shape: NetworkShape): tf.Sequential {
  const random = new SeededRandom(shape.seed);
  const glorot = () =>
    tf.initializers.glorotUniform({ seed: random.nextUint32() });
  const lstmLayer = (returnSequences: boolean) =>
    tf.layers.lstm({
      units: shape.units,
      returnSequences,
      recurrentActivation: RECURRENT_ACTIVATION,
      kernelInitializer: glorot(),
      recurrentInitializer: glorot(),
      unitForgetBias: true,
    });

  // tfjs-layers 4.22 leaks the four intermediate tensors that build each
  // LSTM bias when unitForgetBias is set; the tidy frees them. The weights
  // are variables, which tidy keeps.
  let network: tf.Sequential | undefined;
  tf.tidy(() => {
    network = tf.sequential({
      layers: [
        tf.layers.embedding({
          inputDim: shape.classes,
          outputDim: shape.embedding,
          inputLength: shape.window,
          embeddingsInitializer: tf.initializers.randomUniform({
            minval: -0.05,
            maxval: 0.05,
            seed: random.nextUint32(),
          }),
        }),
        lstmLayer(true),
        lstmLayer(false),
        tf.layers.dense({ units: shape.classes, kernelInitializer: glorot() }),
      ],
    });
  });
  return network as tf.Sequential;
}
