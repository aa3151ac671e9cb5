import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import { buildNetwork } from '../../src/model/network.js';
import { predictTop } from '../../src/model/predict.js';
import {
  buildSamples,
  sliceSamples,
  type Samples,
} from '../../src/model/samples.js';
import { trainNetwork, type TrainingSettings } from '../../src/model/train.js';

const SETTINGS: TrainingSettings = {
  epochs: 4,
  batchSize: 16,
  learningRate: 0.05,
  validationSplit: 0.25,
  patience: 1,
  minDelta: 0,
  shards: 1,
  evaluationBatchSize: 32,
  seed: 3,
};

/** Tokens 0, 1, 0, 2 repeating, then `tail` tokens of another pattern. */
function samplesWithShiftedTail(length: number, tail: number): Samples {
  const tokens = Int32Array.from({ length }, (_, i) =>
    i < length - tail ? [0, 1, 0, 2][i % 4] : [2, 2, 1][i % 3],
  );
  return buildSamples(tokens, 3, 10_000);
}

function tinyNetwork() {
  return buildNetwork({ window: 3, embedding: 4, units: 8, classes: 3, seed: 5 });
}

/** Mean cross-entropy of `network` on `samples`, computed directly. */
function meanLoss(network: tf.LayersModel, samples: Samples): number {
  const loss = tf.tidy(() => {
    const x = tf.tensor2d(samples.inputs.slice(), [samples.count, samples.window], 'int32');
    const labels = tf.oneHot(tf.tensor1d(samples.targets.slice(), 'int32'), 3);
    return tf.losses.softmaxCrossEntropy(labels, network.predict(x) as tf.Tensor);
  });
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

describe('trainNetwork', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('holds out the most recent samples', async () => {
    const network = tinyNetwork();
    const samples = samplesWithShiftedTail(83, 0);
    const result = await trainNetwork(network, samples, { ...SETTINGS, epochs: 1 });
    expect(result.validationSamples).toBe(20);
    expect(result.trainSamples).toBe(60);
    expect(result.validationLoss).toHaveLength(1);
    network.dispose();
  });

  it('keeps the tensor count', async () => {
    const network = tinyNetwork();
    const samples = samplesWithShiftedTail(83, 0);
    const before = tf.memory().numTensors;
    await trainNetwork(network, samples, SETTINGS);
    predictTop(network, samples.inputs, samples.count, 3, 7);
    expect(tf.memory().numTensors).toBe(before);
    network.dispose();
  });

  it('stops early, restoring the best epoch', async () => {
    // Validation follows another pattern than training, so validation loss
    // rises once the network fits the training pattern.
    const network = tinyNetwork();
    const samples = samplesWithShiftedTail(203, 50);
    const log: string[] = [];
    const settings = { ...SETTINGS, epochs: 30, validationSplit: 0.25 };
    const result = await trainNetwork(network, samples, settings, (line) => log.push(line));
    expect(result.epochsRun).toBeLessThan(30);
    expect(result.bestEpoch).toBe(result.epochsRun - 1);
    const best = result.validationLoss[result.bestEpoch - 1];
    expect(Math.min(...result.validationLoss)).toBe(best);
    const validation = sliceSamples(samples, result.trainSamples, samples.count);
    expect(meanLoss(network, validation)).toBeCloseTo(best, 4);
    expect(log.at(-1)).toMatch(/stopping and restoring epoch/);
    network.dispose();
  });

  it('trains every epoch without validation', async () => {
    const network = tinyNetwork();
    const samples = samplesWithShiftedTail(83, 0);
    const result = await trainNetwork(network, samples, { ...SETTINGS, validationSplit: 0 });
    expect(result.epochsRun).toBe(4);
    expect(result.bestEpoch).toBe(4);
    expect(result.validationLoss).toEqual([]);
    network.dispose();
  });

  it('logs loss and validation scores', async () => {
    const network = tinyNetwork();
    const log: string[] = [];
    await trainNetwork(network, samplesWithShiftedTail(83, 0), { ...SETTINGS, epochs: 1 }, (line) => log.push(line));
    expect(log[0]).toMatch(/^lstm: epoch 1\/1: loss \d+\.\d{4}, validation loss \d+\.\d{4}, validation accuracy \d\.\d{4}$/);
    network.dispose();
  });

  it('trains across shard workers', async () => {
    const samples = samplesWithShiftedTail(83, 0);
    const settings = { ...SETTINGS, epochs: 2, validationSplit: 0 };
    const lossesWith = async (shards: number) => {
      const network = tinyNetwork();
      const result = await trainNetwork(network, samples, { ...settings, shards });
      const weights = network.getWeights().map((weight) => Array.from(weight.dataSync()));
      network.dispose();
      return { loss: result.trainingLoss, weights };
    };
    const before = tf.memory().numTensors;
    const single = await lossesWith(1);
    const sharded = await lossesWith(2);
    const again = await lossesWith(2);
    expect(tf.memory().numTensors).toBe(before);
    // The same sums in another order: equal up to float rounding.
    sharded.loss.forEach((loss, i) => expect(loss).toBeCloseTo(single.loss[i], 4));
    sharded.weights.flat().forEach((value, i) => expect(value).toBeCloseTo(single.weights.flat()[i], 3));
    expect(again).toEqual(sharded);
  });
});
