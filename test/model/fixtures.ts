import type { ModelOptions } from '../../src/model/options.js';

/** Returns options of a model small enough to train in about a second. */
export function tinyOptions(overrides: Partial<ModelOptions> = {}): ModelOptions {
  return {
    window: 3,
    embedding: 4,
    units: 8,
    vocab: 10,
    epochs: 10,
    batchSize: 16,
    learningRate: 0.05,
    validationSplit: 0,
    patience: 1,
    minDelta: 0,
    maxTrainSamples: 10_000,
    predictBatchSize: 64,
    target: 'key',
    trainShards: 1,
    seed: 7,
    ...overrides,
  };
}

/**
 * Key ids 10, 20, 10, 30 repeating. After 10 the next key is 20 or 30,
 * depending on the key before. A model of the current key alone is right
 * half the time there, and one that uses the window always.
 */
export const PATTERN = [10, 20, 10, 30];

/** `length` key ids of `PATTERN` repeated, starting at `PATTERN[0]`. */
export function patternKeyIds(length: number): Uint32Array {
  return Uint32Array.from({ length }, (_, i) => PATTERN[i % PATTERN.length]);
}

/**
 * History windows as the engine builds them: window i ends at request
 * `first + i`, oldest key first, with -1 before the trace starts.
 */
export function windowsEndingAt(
  keyIds: ArrayLike<number>,
  first: number,
  count: number,
  window: number,
): Int32Array {
  const windows = new Int32Array(count * window);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < window; j++) {
      const index = first + i - window + 1 + j;
      windows[i * window + j] = index < 0 ? -1 : keyIds[index];
    }
  }
  return windows;
}
