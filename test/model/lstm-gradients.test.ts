import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import {
  lossAndGradients,
  networkWeights,
  type NetworkWeights,
} from '../../src/model/lstm-gradients.js';
import { buildNetwork } from '../../src/model/network.js';

const SHAPE = { window: 5, embedding: 6, units: 7, classes: 13, seed: 3 };
const BATCH = 9;
const INPUTS = Int32Array.from({ length: BATCH * SHAPE.window }, (_, i) => (i * 7 + 3) % SHAPE.classes);
const TARGETS = Int32Array.from({ length: BATCH }, (_, i) => (i * 5 + 1) % SHAPE.classes);

/** Loss and the gradient of each trainable weight, in the network's order. */
interface Result {
  loss: number;
  gradients: Float32Array[];
}

/** Loss and gradients of tfjs's automatic differentiation of `network`. */
function automatic(network: tf.LayersModel): Result {
  const variables = network.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const x = tf.tensor2d(INPUTS, [BATCH, SHAPE.window], 'int32');
    const y = tf.oneHot(tf.tensor1d(TARGETS, 'int32'), SHAPE.classes);
    return tf.losses.softmaxCrossEntropy(y, network.apply(x, { training: true }) as tf.Tensor);
  }, variables);
  return collect(network, value, grads);
}

function derived(network: tf.LayersModel): Result {
  const weights = networkWeights(network) as NetworkWeights;
  const { loss, gradients } = lossAndGradients(weights, INPUTS, TARGETS);
  return collect(network, loss, gradients);
}

function collect(network: tf.LayersModel, loss: tf.Scalar, gradients: tf.NamedTensorMap): Result {
  const names = network.trainableWeights.map((weight) => (weight.read() as tf.Variable).name);
  expect(Object.keys(gradients).sort()).toEqual([...names].sort());
  const result = {
    loss: loss.dataSync()[0],
    gradients: names.map((name) => gradients[name].dataSync() as Float32Array),
  };
  tf.dispose([loss, ...Object.values(gradients)]);
  return result;
}

function expectClose(actual: Result, expected: Result): void {
  expect(actual.loss).toBeCloseTo(expected.loss, 5);
  expected.gradients.forEach((values, weight) => {
    const scale = Math.max(...values.map(Math.abs));
    const errors = actual.gradients[weight].map((value, i) => Math.abs(value - values[i]));
    expect(Math.max(...errors), `weight ${weight}`).toBeLessThan(1e-4 * scale + 1e-7);
  });
}

describe('lossAndGradients', () => {
  let network: tf.LayersModel;
  let expected: Result;

  beforeAll(async () => {
    await selectBackend('cpu');
    network = buildNetwork(SHAPE);
    expected = automatic(network);
  });

  afterAll(() => network.dispose());

  it('matches automatic differentiation on the cpu backend', async () => {
    await tf.setBackend('cpu');
    expectClose(derived(network), expected);
  });

  it('matches cpu automatic differentiation on the wasm backend', async () => {
    await selectBackend('wasm');
    const copy = buildNetwork(SHAPE);
    const result = derived(copy);
    copy.dispose();
    expectClose(result, expected);
  });

  it('keeps a finite loss when the target class has no probability left', async () => {
    await tf.setBackend('cpu');
    const weights = networkWeights(network) as NetworkWeights;
    const saved = weights.denseBias.clone();
    // A logit gap of 1,000 underflows exp() in float32.
    weights.denseBias.assign(tf.tensor1d(Array.from({ length: SHAPE.classes }, (_, i) => (i === 0 ? 1000 : 0))));
    const targets = new Int32Array(BATCH).fill(1);
    const { loss, gradients } = lossAndGradients(weights, INPUTS, targets);
    const value = loss.dataSync()[0];
    tf.dispose([loss, ...Object.values(gradients)]);
    weights.denseBias.assign(saved);
    saved.dispose();
    expect(value).toBeGreaterThan(999);
    expect(value).toBeLessThan(1001);
  });

  it('frees every tensor except the loss and gradients', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const { loss, gradients } = lossAndGradients(networkWeights(network) as NetworkWeights, INPUTS, TARGETS);
    const returned = 1 + Object.keys(gradients).length;
    expect(tf.memory().numTensors).toBe(before + returned);
    tf.dispose([loss, ...Object.values(gradients)]);
  });
});

describe('networkWeights', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('names the setting of a network it does not compute', () => {
    const network = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }),
        tf.layers.lstm({ units: 2, returnSequences: true, recurrentActivation: 'hardSigmoid' }),
        tf.layers.lstm({ units: 2 }),
        tf.layers.dense({ units: 5 }),
      ],
    });
    expect(networkWeights(network)).toMatch(/has recurrentActivation=hardSigmoid, not sigmoid$/);
    network.dispose();
  });

  it('names the layers of another layout', () => {
    const network = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2 })],
    });
    expect(networkWeights(network)).toBe('layers Dense are not Embedding,LSTM,LSTM,Dense');
    network.dispose();
  });
});
