import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import { buildNetwork } from '../../src/model/network.js';
import { OnnxEngine } from '../../src/model/onnx-engine.js';
import { exportOnnx } from '../../src/model/onnx-export.js';
import { predictTop, type TopPredictions } from '../../src/model/predict.js';
import { SeededRandom } from '../../src/model/random.js';
import { buildSamples } from '../../src/model/samples.js';
import { trainNetwork } from '../../src/model/train.js';

const WINDOW = 4;
const CLASSES = 12;
const COUNT = 50;
/** Windows of tokens that cover every class, OOV (11) included. */
const TOKENS = Int32Array.from({ length: COUNT * WINDOW }, (_, i) => (i * 7 + (i >> 3)) % CLASSES);

let network: tf.LayersModel;
let engine: OnnxEngine;
let expected: TopPredictions;

function expectAgreement(actual: TopPredictions, from = 0): void {
  actual.tokens.forEach((token, i) => {
    expect(token).toBe(expected.tokens[from + i]);
    expect(Math.abs(actual.probabilities[i] - expected.probabilities[from + i])).toBeLessThan(1e-5);
  });
}

describe('OnnxEngine', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    network = buildNetwork({ window: WINDOW, embedding: 5, units: 6, classes: CLASSES, seed: 11 });
    // A trained network predicts many classes with middling probability,
    // and its gates, and so their order, matter. Next token = previous + 1
    // (mod 11) with probability 0.7, else a random token.
    const random = new SeededRandom(5);
    const sequence = new Int32Array(600);
    for (let i = 1; i < sequence.length; i++) {
      sequence[i] = random.nextFloat() < 0.7 ? (sequence[i - 1] + 1) % 11 : Math.floor(random.nextFloat() * CLASSES);
    }
    await trainNetwork(network, buildSamples(sequence, WINDOW, 10_000), {
      epochs: 15,
      batchSize: 32,
      learningRate: 0.03,
      validationSplit: 0,
      patience: 1,
      minDelta: 0,
      shards: 1,
      evaluationBatchSize: 64,
      seed: 3,
    });
    expected = predictTop(network, TOKENS, COUNT, WINDOW, 16);
    const created = await OnnxEngine.create(network, 2);
    if (typeof created === 'string') throw new Error(created);
    engine = created;
  });

  afterAll(async () => {
    await engine?.dispose();
    network?.dispose();
  });

  it('predicts spread probabilities', () => {
    // Guards the agreement tests against a network that always predicts
    // one class with certainty.
    expect(new Set(expected.tokens).size).toBeGreaterThan(5);
    expect(Math.min(...expected.probabilities)).toBeLessThan(0.9);
    expect(Math.max(...expected.probabilities)).toBeGreaterThan(0.3);
  });

  it('agrees with tfjs on one window', async () => {
    for (let i = 0; i < 5; i++) {
      const top = await engine.predictOne(TOKENS.slice(i * WINDOW, (i + 1) * WINDOW));
      expectAgreement(top, i);
    }
  });

  it('agrees with tfjs on batches over workers', async () => {
    const top = await engine.predictMany(TOKENS, COUNT, 16);
    expect(top.tokens).toHaveLength(COUNT);
    expectAgreement(top);
  });

  it('agrees with a batch larger than the input', async () => {
    expectAgreement(await engine.predictMany(TOKENS, COUNT, 1000));
  });

  it('runs two workers', () => {
    expect(engine.workers).toBe(2);
    expect(engine.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('exportOnnx', () => {
  it('rejects another layer layout', () => {
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => exportOnnx(dense)).toThrow('exportOnnx: layers Dense are not the next-key network');
    dense.dispose();
  });
});
