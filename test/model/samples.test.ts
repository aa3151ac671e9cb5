import { describe, expect, it } from 'vitest';
import { buildSamples, sliceSamples } from '../../src/model/samples.js';

describe('buildSamples', () => {
  it('pairs each full window with the next token', () => {
    const samples = buildSamples(Int32Array.from([0, 1, 2, 3, 4]), 2, 100);
    expect(samples.count).toBe(3);
    expect(Array.from(samples.inputs)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(Array.from(samples.targets)).toEqual([2, 3, 4]);
  });

  it('keeps the most recent samples when capped', () => {
    const samples = buildSamples(Int32Array.from([0, 1, 2, 3, 4]), 2, 2);
    expect(Array.from(samples.inputs)).toEqual([1, 2, 2, 3]);
    expect(Array.from(samples.targets)).toEqual([3, 4]);
  });

  it('returns no sample when the sequence is no longer than the window', () => {
    const samples = buildSamples(Int32Array.from([0, 1, 2]), 3, 100);
    expect(samples.count).toBe(0);
    expect(samples.inputs.length).toBe(0);
  });
});

describe('sliceSamples', () => {
  it('returns a range of samples', () => {
    const samples = buildSamples(Int32Array.from([0, 1, 2, 3, 4]), 2, 100);
    const tail = sliceSamples(samples, 1, 3);
    expect(tail.count).toBe(2);
    expect(Array.from(tail.inputs)).toEqual([1, 2, 2, 3]);
    expect(Array.from(tail.targets)).toEqual([3, 4]);
  });
});
