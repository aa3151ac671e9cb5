import * as tf from '@tensorflow/tfjs';

/** Most likely next token of each window and its softmax probability. */
export interface TopPredictions {
  readonly tokens: Int32Array;
  readonly probabilities: Float32Array;
}

/**
 * Predicts the most likely next token of `count` token windows, each `window`
 * long, in forward passes of at most `batchSize` windows. Peak memory is one
 * batch's activations plus its `batchSize * classes` softmax, whatever
 * `count` is.
 */
export function predictTop(
  network: tf.LayersModel,
  windows: Int32Array,
  count: number,
  window: number,
  batchSize: number,
): TopPredictions {
  const tokens = new Int32Array(count);
  const probabilities = new Float32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const inputs = windows.slice(start * window, (start + size) * window);
    const [top, probability] = tf.tidy(() => {
      const x = tf.tensor2d(inputs, [size, window], 'int32');
      const logits = network.predict(x, { batchSize: size }) as tf.Tensor2D;
      const { values, indices } = tf.topk(tf.softmax(logits), 1);
      return [indices, values];
    });
    tokens.set(top.dataSync() as Int32Array, start);
    probabilities.set(probability.dataSync() as Float32Array, start);
    tf.dispose([top, probability]);
  }
  return { tokens, probabilities };
}
