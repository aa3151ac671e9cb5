import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.js';
import { NextKeyModel } from '../../src/model/next-key-model.js';
import { patternKeyIds, PATTERN, tinyOptions, windowsEndingAt } from './fixtures.js';

const KEY_SPACE = 40;

/** Share of windows of `keyIds` whose prediction is the key that follows. */
function accuracyOn(model: NextKeyModel, keyIds: Uint32Array): number {
  const { window } = model.options;
  const count = keyIds.length - window;
  const windows = windowsEndingAt(keyIds, window - 1, count, window);
  const { keyIds: predicted } = model.predict(windows, count);
  let correct = 0;
  for (let i = 0; i < count; i++) {
    if (predicted[i] === keyIds[window + i]) correct++;
  }
  return correct / count;
}

describe('NextKeyModel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('learns a pattern needing history', async () => {
    // A model of the current key alone can reach 75% on PATTERN.
    const keyIds = patternKeyIds(200);
    const model = await NextKeyModel.train(keyIds, KEY_SPACE, tinyOptions());
    expect(accuracyOn(model, patternKeyIds(41))).toBe(1);
    model.dispose();
  });

  it('repeats predictions for one seed', async () => {
    const keyIds = patternKeyIds(120);
    const options = tinyOptions({ epochs: 2, validationSplit: 0.2 });
    const windows = windowsEndingAt(keyIds, 2, 8, options.window);
    const first = await NextKeyModel.train(keyIds, KEY_SPACE, options);
    const second = await NextKeyModel.train(keyIds, KEY_SPACE, options);
    const other = await NextKeyModel.train(keyIds, KEY_SPACE, { ...options, seed: 8 });
    const a = first.predict(windows, 8);
    const b = second.predict(windows, 8);
    const c = other.predict(windows, 8);
    expect(Array.from(b.keyIds)).toEqual(Array.from(a.keyIds));
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    expect(Array.from(c.probabilities)).not.toEqual(Array.from(a.probabilities));
    expect(second.training.trainingLoss).toEqual(first.training.trainingLoss);
    first.dispose();
    second.dispose();
    other.dispose();
  });

  it('returns -1 for OOV', async () => {
    // With vocab 1 only key 10 has a token, and 20 and 30 follow 10.
    const keyIds = patternKeyIds(120);
    const model = await NextKeyModel.train(keyIds, KEY_SPACE, tinyOptions({ vocab: 1 }));
    expect(model.vocabulary.keyIdOfToken[0]).toBe(PATTERN[0]);
    const windows = windowsEndingAt(keyIds, 2, 4, 3);
    const { keyIds: predicted } = model.predict(windows, 4);
    expect(Array.from(predicted).sort()).toEqual([-1, -1, 10, 10]);
    model.dispose();
  });

  it('reports the OOV share', async () => {
    const model = await NextKeyModel.train(patternKeyIds(40), KEY_SPACE, tinyOptions({ vocab: 1, epochs: 1 }));
    expect(model.oovShare).toBe(0.5);
    model.dispose();
  });

  it('frees every tensor on dispose', async () => {
    const before = tf.memory().numTensors;
    const model = await NextKeyModel.train(patternKeyIds(60), KEY_SPACE, tinyOptions({ epochs: 2, validationSplit: 0.2 }));
    model.predict(windowsEndingAt(patternKeyIds(60), 0, 10, 3), 10);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a too short training part', async () => {
    const training = NextKeyModel.train(patternKeyIds(3), KEY_SPACE, tinyOptions());
    await expect(training).rejects.toMatchObject({ code: 'TRAINING_FAILED' });
    await expect(training).rejects.toThrow(/too few for one sample with lstm.window=3/);
  });

  it('raises TrainingError on NaN loss', async () => {
    const before = tf.memory().numTensors;
    const training = NextKeyModel.train(patternKeyIds(200), KEY_SPACE, tinyOptions({ learningRate: 1e30 }));
    await expect(training).rejects.toMatchObject({ code: 'TRAINING_FAILED' });
    await expect(training).rejects.toThrow(/loss became NaN at epoch 1, batch \d+ .*lower lstm.learning-rate/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
