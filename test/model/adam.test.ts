import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import { ScalarAdam } from '../../src/model/adam.js';

/** Runs 3 steps of `optimizer` on two variables; returns their values. */
function threeSteps(optimizer: { applyGradients(gradients: tf.NamedTensorMap): void }): number[][] {
  const matrix = tf.tidy(() => tf.variable(tf.tensor2d([0.5, -1, 2, 0.25], [2, 2])));
  const vector = tf.tidy(() => tf.variable(tf.tensor1d([3, -0.125])));
  for (let step = 1; step <= 3; step++) {
    const gradients = tf.tidy(() => ({
      [matrix.name]: tf.mul(matrix, step),
      [vector.name]: tf.sub(vector, step),
    }));
    optimizer.applyGradients(gradients);
    tf.dispose(Object.values(gradients));
  }
  const values = [Array.from(matrix.dataSync()), Array.from(vector.dataSync())];
  tf.dispose([matrix, vector]);
  return values;
}

describe('ScalarAdam', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it.each(['cpu', 'wasm'])('gives the weights of tf.train.adam on %s', async (backend) => {
    await selectBackend(backend as 'cpu' | 'wasm');
    const reference = tf.train.adam(0.01);
    const expected = threeSteps(reference);
    reference.dispose();
    const adam = new ScalarAdam(0.01);
    const actual = threeSteps(adam);
    adam.dispose();
    expect(actual).toEqual(expected);
  });

  it('frees its state on dispose', () => {
    const before = tf.memory().numTensors;
    const adam = new ScalarAdam(0.01);
    threeSteps(adam);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
