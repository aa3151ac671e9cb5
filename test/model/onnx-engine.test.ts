import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import { buildNetwork } from '../../src/model/network.js';
import { OnnxEngine } from '../../src/model/onnx-engine.js';
import { exportOnnx } from '../../src/model/onnx-export.js';
import { predictTop, type TopPredictions } from '../../src/model/predict.js';

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
    // Glorot weights with zero biases give near-uniform probabilities; wider
    // weights and biases make every gate, and so their order, matter.
    const scaled = network.getWeights().map((weight, i) =>
      tf.tidy(() => weight.mul(3).add(tf.randomNormal(weight.shape, 0, 0.5, 'float32', i))),
    );
    network.setWeights(scaled);
    tf.dispose(scaled);
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
    expect(new Set(expected.tokens).size).toBeGreaterThan(3);
    expect(Math.min(...expected.probabilities)).toBeLessThan(0.9);
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
