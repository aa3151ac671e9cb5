import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import { NextKeyModel } from '../../src/model/next-key-model.js';
import { loadModel, saveModel } from '../../src/model/storage.js';
import { patternKeyIds, tinyOptions, windowsEndingAt } from './fixtures.js';

const KEY_SPACE = 40;
const KEYS = Array.from({ length: KEY_SPACE }, (_, id) => `key-${id}`);
const TRAINING = patternKeyIds(120);
const WINDOWS = windowsEndingAt(TRAINING, 0, 12, 3);

let directory: string;
let model: NextKeyModel;

describe('saveModel and loadModel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    directory = await mkdtemp(path.join(tmpdir(), 'next-key-model-'));
    const options = tinyOptions({ validationSplit: 0.2, patience: 10 });
    model = await NextKeyModel.train(TRAINING, KEY_SPACE, options);
    await saveModel(model, directory, KEYS);
  });

  afterAll(async () => {
    model.dispose();
    await rm(directory, { recursive: true });
  });

  it('round-trips predictions', async () => {
    const loaded = await loadModel(directory, KEYS);
    const expected = model.predict(WINDOWS, 12);
    const actual = loaded.predict(WINDOWS, 12);
    expect(Array.from(actual.keyIds)).toEqual(Array.from(expected.keyIds));
    expect(Array.from(actual.probabilities)).toEqual(Array.from(expected.probabilities));
    loaded.dispose();
  });

  it('round-trips options and training facts', async () => {
    const loaded = await loadModel(directory, KEYS);
    expect(loaded.options).toEqual(model.options);
    expect(loaded.training).toEqual(model.training);
    expect(loaded.oovShare).toBe(model.oovShare);
    expect(loaded.parameterCount).toBe(model.parameterCount);
    loaded.dispose();
  });

  it('maps the vocabulary by key text', async () => {
    // In this trace the same key texts have other ids: id i is KEYS[39 - i].
    const reversed = [...KEYS].reverse();
    const loaded = await loadModel(directory, reversed);
    const renumbered = WINDOWS.map((id) => (id < 0 ? id : KEY_SPACE - 1 - id));
    const expected = model.predict(WINDOWS, 12).keyIds;
    const actual = loaded.predict(renumbered, 12).keyIds;
    expect(new Set(expected)).toEqual(new Set([10, 20, 30]));
    expect(Array.from(actual)).toEqual(
      Array.from(expected, (id) => (id < 0 ? id : KEY_SPACE - 1 - id)),
    );
    loaded.dispose();
  });

  it('predicts -1 for keys the trace lacks', async () => {
    const withoutKey20 = KEYS.map((key, id) => (id === 20 ? 'other' : key));
    const loaded = await loadModel(directory, withoutKey20);
    // After 10, 30, 10 the next key is 20, whose text this trace lacks.
    const window = Int32Array.from([10, 30, 10]);
    expect(model.predict(window, 1).keyIds[0]).toBe(20);
    expect(loaded.predict(window, 1).keyIds[0]).toBe(-1);
    expect(Array.from(loaded.vocabulary.keyIdOfToken)).toContain(-1);
    expect(loaded.vocabulary.tokenOf(20)).toBe(loaded.vocabulary.oovToken);
    loaded.dispose();
  });

  it('overrides the prediction batch size', async () => {
    const loaded = await loadModel(directory, KEYS, { predictBatchSize: 5 });
    expect(loaded.options.predictBatchSize).toBe(5);
    loaded.dispose();
  });

  it('writes the layers format', async () => {
    const text = await readFile(path.join(directory, 'model.json'), 'utf8');
    const network = JSON.parse(text);
    expect(network.format).toBe('layers-model');
    expect(network.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(network.weightsManifest[0].weights).toHaveLength(9);
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const loaded = await loadModel(directory, KEYS);
    loaded.predict(WINDOWS, 12);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a directory without a model', async () => {
    const empty = path.join(directory, 'missing');
    const loading = loadModel(empty, KEYS);
    await expect(loading).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(loading).rejects.toThrow(
      `--model: ${path.join(empty, 'next-key-model.json')} was not found; save a model to ${empty} first or leave --model unset`,
    );
  });
});
